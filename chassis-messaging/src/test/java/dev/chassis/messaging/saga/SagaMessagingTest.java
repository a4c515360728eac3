package dev.chassis.messaging.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.bus.Delivery;
import dev.chassis.core.bus.EventHandler;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.saga.InMemorySagaStore;
import dev.chassis.core.saga.SagaAction;
import dev.chassis.core.saga.SagaCommand;
import dev.chassis.core.saga.SagaDefinition;
import dev.chassis.core.saga.SagaEnvelopes;
import dev.chassis.core.saga.SagaOrchestrator;
import dev.chassis.core.saga.SagaState;
import dev.chassis.messaging.InMemoryEventBus;
import dev.chassis.messaging.inbox.InMemoryInboxStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SagaMessaging} on the in-memory bus: replies reach the orchestrator, participants act once per key. */
class SagaMessagingTest {
    /** The saga data. */
    record Item(String id) {
    }

    private final InMemoryEventBus bus = InMemoryEventBus.create();

    @AfterEach
    void tearDown() {
        bus.close();
    }

    private static Envelope command(String sagaId, int attempt) {
        String key = SagaEnvelopes.idempotencyKey(sagaId, "reserve", SagaEnvelopes.ACTION);
        return Envelope.builder().id(key + ":" + attempt).source("/sagas").type("stock.reserve").subject(sagaId)
                .extension(SagaEnvelopes.SAGA_ID, sagaId).extension(SagaEnvelopes.SAGA_STEP, "reserve")
                .extension(SagaEnvelopes.SAGA_PHASE, SagaEnvelopes.ACTION).extension(SagaEnvelopes.SAGA_KEY, key)
                .extension(SagaEnvelopes.SAGA_ATTEMPT, attempt).data(new Item("i-1")).build();
    }

    @Test
    void aParticipantActsOncePerIdempotencyKeyAndAnswersEveryResend() throws Exception {
        // given
        List<Envelope> replies = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder("replies").topic("stock.reply").handler(d -> replies.add(d.envelope())).build());
        AtomicInteger effects = new AtomicInteger();
        EventHandler participant = SagaMessaging.participant(InMemoryInboxStore.create(), "stock", bus, "stock.reply",
                (command, tx, firstTime) -> {
                    if (firstTime) {
                        effects.incrementAndGet();
                    }
                    return SagaEnvelopes.replyTo(command).source("/stock").type("stock.reserved").build();
                });

        // when the command is delivered, redelivered, and resent after a timeout (new envelope id)
        participant.handle(new Delivery(command("saga-1", 1), "stock.reserve", "stock", 1, false));
        participant.handle(new Delivery(command("saga-1", 1), "stock.reserve", "stock", 2, true));
        participant.handle(new Delivery(command("saga-1", 2), "stock.reserve", "stock", 1, false));

        // then
        await().atMost(Duration.ofSeconds(5)).until(() -> replies.size() == 3);
        assertThat(effects).hasValue(1);
        assertThat(replies).extracting(e -> e.extension(SagaEnvelopes.SAGA_KEY).orElseThrow())
                .containsOnly("saga-1:reserve:action");
    }

    @Test
    void aParticipantRefusesAnEnvelopeThatIsNotASagaCommand() {
        // given
        EventHandler participant = SagaMessaging.participant(InMemoryInboxStore.create(), "stock", bus, "stock.reply",
                (command, tx, firstTime) -> null);
        Envelope plain = Envelope.builder().source("/shop").type("stock.reserve").build();

        // when / then
        assertThatThrownBy(() -> participant.handle(new Delivery(plain, "stock.reserve", "stock", 1, false)))
                .isInstanceOf(NonRetryableException.class).hasMessageContaining("not a saga command")
                .hasMessageContaining("'sagakey'");
    }

    @Test
    void subscribeRepliesNeedsATopic() {
        SagaOrchestrator orchestrator = SagaOrchestrator.builder(InMemorySagaStore.create()).build();

        assertThatThrownBy(() -> SagaMessaging.subscribeReplies(bus, orchestrator, "orders.saga-replies"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("orders.saga-replies");
    }

    @Test
    void aSagaRunsOverTheInMemoryBus() {
        // given a one-step saga whose command goes to the bus and whose participant replies on it
        SagaDefinition<Item> saga = SagaDefinition.builder("stock-saga", Item.class)
                .step("reserve", step -> step.action(SagaAction.command(
                        item -> SagaCommand.of("stock.reserve", "stock.reserve", item))))
                .build();
        SagaOrchestrator orchestrator = SagaOrchestrator.builder(
                InMemorySagaStore.create(m -> bus.publish(m.topic(), m.envelope()))).definition(saga).build();
        Map<String, Integer> reserved = new ConcurrentHashMap<>();
        SagaMessaging.subscribeReplies(bus, orchestrator, "orders.saga-replies", "stock.reply");
        bus.subscribe(Subscription.builder("stock.saga-commands").topic("stock.*")
                .handler(SagaMessaging.participant(InMemoryInboxStore.create(), "stock", bus, "stock.reply",
                        (command, tx, firstTime) -> {
                            if (firstTime) {
                                reserved.merge(command.dataAs(Item.class).id(), 1, Integer::sum);
                            }
                            return SagaEnvelopes.replyTo(command).source("/stock").type("stock.reserved").build();
                        }))
                .build());

        // when
        String sagaId = orchestrator.start(saga, new Item("i-9"));

        // then
        await().atMost(Duration.ofSeconds(5))
                .until(() -> orchestrator.status(sagaId).orElseThrow().state() == SagaState.COMPLETED);
        assertThat(reserved).containsExactly(Map.entry("i-9", 1));
        assertThat(orchestrator.metrics().repliesApplied()).isEqualTo(1);
    }
}
