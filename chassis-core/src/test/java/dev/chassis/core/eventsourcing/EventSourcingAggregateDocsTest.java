package dev.chassis.core.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the samples of docs/event-sourcing.md (aggregates, snapshots, schema evolution) as they are written there. */
class EventSourcingAggregateDocsTest {
    private final InMemoryEventStore store = new InMemoryEventStore();
    private final EventTypes types = accountTypes();

    record Opened(String owner) {
    }

    record Deposited(long amount, String currency) {
    }

    static final class Account extends AggregateRoot implements Snapshottable<Account.Balance> {
        private String owner = "";
        private long balance;

        Account(String id) {
            super(id);
        }

        void open(String owner) {
            apply(new Opened(owner));
        }

        void deposit(long amount) {
            if (amount <= 0) {
                throw new IllegalArgumentException("deposit a positive amount");
            }
            apply(new Deposited(amount, "EUR"));
        }

        long balance() {
            return balance;
        }

        @Override
        protected void when(Object event) {
            if (event instanceof Opened o) {
                owner = o.owner();
            } else if (event instanceof Deposited d) {
                balance += d.amount();
            } else {
                throw new IllegalArgumentException("unknown event " + event);
            }
        }

        record Balance(String owner, long amount) {
        }

        @Override
        public SnapshotType<Balance> snapshotType() {
            return SnapshotType.of("account.balance", 1, Balance.class);
        }

        @Override
        public Balance snapshot() {
            return new Balance(owner, balance);
        }

        @Override
        public void restore(Balance state) {
            owner = state.owner();
            balance = state.amount();
        }
    }

    static EventTypes accountTypes() {
        EventTypes types = EventTypes.builder()
                .register(Opened.class, "account.opened")
                .register(Deposited.class, "account.deposited", 3)
                .upcaster("account.deposited", 1, json -> {
                    json.put("amount", json.remove("sum"));
                    return json;
                })
                .upcaster("account.deposited", 2, json -> {
                    json.put("currency", "EUR");
                    return json;
                })
                .build();
        return types;
    }

    @Test
    void aggregatesAndRepositories() {
        // given
        Repository<Account> accounts = Repository.builder(Account.class, Account::new)
                .eventStore(store)
                .eventTypes(types)
                .streamPrefix("account-")
                .build();

        // when
        Account account = new Account("7");
        account.open("ada");
        account.deposit(100);
        accounts.save(account);

        accounts.update("7", a -> a.deposit(50));
        long balance = accounts.load("7").orElseThrow().balance();

        // then
        assertThat(balance).isEqualTo(150);
        assertThat(store.read("account-7")).hasSize(3);
    }

    @Test
    void concurrentWriters() {
        // given
        Repository<Account> accounts = Repository.builder(Account.class, Account::new).eventStore(store)
                .eventTypes(types).streamPrefix("account-").build();
        Account account = new Account("7");
        account.open("ada");
        accounts.save(account);

        // when / then
        Account first = accounts.load("7").orElseThrow();
        Account second = accounts.load("7").orElseThrow();
        first.deposit(10);
        accounts.save(first);
        second.deposit(20);
        assertThatThrownBy(() -> accounts.save(second)).isInstanceOf(ConcurrencyException.class);
        assertThat(accounts.load("7").orElseThrow().balance()).isEqualTo(10);
    }

    @Test
    void snapshots() {
        // given
        SnapshotStore snapshots = new InMemorySnapshotStore();
        Repository<Account> accounts = Repository.builder(Account.class, Account::new)
                .eventStore(store)
                .eventTypes(types)
                .streamPrefix("account-")
                .snapshots(snapshots, 100)
                .build();
        Account account = new Account("7");
        account.open("ada");

        // when
        for (int i = 0; i < 120; i++) {
            account.deposit(1);
            if (i % 10 == 0) {
                accounts.save(account);
            }
        }
        accounts.save(account);

        // then
        assertThat(snapshots.latest("account-7").orElseThrow().version()).isBetween(100L, 121L);
        assertThat(accounts.load("7").orElseThrow().balance()).isEqualTo(120);
    }

    @Test
    void schemaEvolution() {
        // given events written by releases 1 and 2
        Repository<Account> accounts = Repository.builder(Account.class, Account::new).eventStore(store)
                .eventTypes(types).streamPrefix("account-").build();

        // when
        store.append("account-9", ExpectedVersion.noStream(), List.of(
                NewEvent.of("account.opened", 1, "{\"owner\":\"bob\"}"),
                NewEvent.of("account.deposited", 1, "{\"sum\":70}"),
                NewEvent.of("account.deposited", 2, "{\"amount\":30}")));
        Account old = accounts.load("9").orElseThrow();

        // then
        assertThat(old.balance()).isEqualTo(100);
        assertThat(old.snapshot()).isEqualTo(new Account.Balance("bob", 100));
    }
}
