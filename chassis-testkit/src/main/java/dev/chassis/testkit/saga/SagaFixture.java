package dev.chassis.testkit.saga;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.json.JsonCodec;
import dev.chassis.core.saga.InMemorySagaStore;
import dev.chassis.core.saga.SagaDefinition;
import dev.chassis.core.saga.SagaEnvelopes;
import dev.chassis.core.saga.SagaInstance;
import dev.chassis.core.saga.SagaMessage;
import dev.chassis.core.saga.SagaOrchestrator;
import dev.chassis.core.saga.SagaReplyOutcome;
import dev.chassis.core.saga.SagaState;
import dev.chassis.core.saga.SagaStatus;
import dev.chassis.testkit.time.TestClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Tests a {@link SagaDefinition} without infrastructure: an in-memory store, an orchestrator and a
 * controllable clock. Given saga data, when a participant replies (or a call of the definition
 * fails), then expect the next command or the saga's state. Advancing the clock fires timeouts and
 * retries as the scheduler would.
 *
 * <pre>{@code
 * SagaFixture<Order> saga = SagaFixture.of(orderSaga);
 * saga.start(new Order("o-1", 2, 4000));
 * Envelope reserve = saga.expectCommand("inventory.reserve");
 * saga.reply(reserve, "inventory.reserved");
 * Envelope charge = saga.expectCommand("payment.process");
 * saga.replyFailure(charge, "payment.declined", "card declined");
 * saga.expectCommand("inventory.release");
 * }</pre>
 *
 * <p>One fixture drives one saga. Not thread-safe: use it from the test's thread.
 *
 * @param <S> the saga data type
 */
public final class SagaFixture<S> {
    private final SagaDefinition<S> definition;
    private final TestClock clock;
    private final List<SagaMessage> sent = new ArrayList<>();
    private final Deque<SagaMessage> unexpected = new ArrayDeque<>();
    private final InMemorySagaStore store;
    private final SagaOrchestrator orchestrator;
    private @Nullable String sagaId;

    private SagaFixture(SagaDefinition<S> definition, TestClock clock) {
        this.definition = definition;
        this.clock = clock;
        this.store = InMemorySagaStore.create(clock, message -> {
            sent.add(message);
            unexpected.addLast(message);
        });
        this.orchestrator = SagaOrchestrator.builder(store).definition(definition).clock(clock).owner("saga-fixture")
                .build();
    }

    /**
     * A fixture whose clock starts at 2026-01-01T00:00:00Z.
     *
     * @param definition the definition under test
     * @param <S> the saga data type
     * @return the fixture
     */
    public static <S> SagaFixture<S> of(SagaDefinition<S> definition) {
        return of(definition, TestClock.at("2026-01-01T00:00:00Z"));
    }

    /**
     * A fixture on a given clock.
     *
     * @param definition the definition under test
     * @param clock the clock; {@link #advance} moves it
     * @param <S> the saga data type
     * @return the fixture
     */
    public static <S> SagaFixture<S> of(SagaDefinition<S> definition, TestClock clock) {
        return new SagaFixture<>(requireNonNull(definition, "definition"), requireNonNull(clock, "clock"));
    }

    /**
     * Given: starts the saga (its leading call steps run at once).
     *
     * @param data the initial saga data
     * @return this fixture
     * @throws IllegalStateException if the fixture started a saga already
     */
    public SagaFixture<S> start(S data) {
        if (sagaId != null) {
            throw new IllegalStateException("this fixture started saga " + sagaId + " already: use one fixture per saga");
        }
        sagaId = orchestrator.start(definition, "saga-1", data);
        return this;
    }

    /**
     * Then: the oldest command not expected yet has this type.
     *
     * @param type the expected envelope type, e.g. {@code "inventory.reserve"}
     * @return the command envelope, to reply to
     */
    public Envelope expectCommand(String type) {
        requireNonNull(type, "type");
        assertThat(unexpected).as("commands sent and not yet expected (expecting %s)", type).isNotEmpty();
        SagaMessage message = unexpected.removeFirst();
        assertThat(message.envelope().type()).as("type of the next command").isEqualTo(type);
        return message.envelope();
    }

    /**
     * Then: every command sent has been expected.
     *
     * @return this fixture
     */
    public SagaFixture<S> expectNoCommand() {
        assertThat(unexpected).as("commands sent and not yet expected").extracting(m -> m.envelope().type()).isEmpty();
        return this;
    }

    /**
     * Then: the saga is in a state.
     *
     * @param state the expected state
     * @return this fixture
     */
    public SagaFixture<S> expectState(SagaState state) {
        assertThat(status().state()).as("state of saga %s (failure: %s)", sagaId(), status().failure()).isEqualTo(state);
        return this;
    }

    /**
     * When: the participant answers a command successfully.
     *
     * @param command the command, from {@link #expectCommand}
     * @param type the reply type, e.g. {@code "inventory.reserved"}
     * @return whether the orchestrator applied or ignored the reply
     */
    public SagaReplyOutcome reply(Envelope command, String type) {
        return orchestrator.onReply(SagaEnvelopes.replyTo(command).source("/saga-fixture").type(type).build());
    }

    /**
     * When: the participant answers a command successfully with data.
     *
     * @param command the command, from {@link #expectCommand}
     * @param type the reply type
     * @param data the reply data, written as JSON
     * @return whether the orchestrator applied or ignored the reply
     */
    public SagaReplyOutcome reply(Envelope command, String type, Object data) {
        return orchestrator.onReply(SagaEnvelopes.replyTo(command).source("/saga-fixture").type(type).data(data).build());
    }

    /**
     * When: the participant refuses or fails a command.
     *
     * @param command the command, from {@link #expectCommand}
     * @param type the reply type, e.g. {@code "payment.declined"}
     * @param reason why
     * @return whether the orchestrator applied or ignored the reply
     */
    public SagaReplyOutcome replyFailure(Envelope command, String type, String reason) {
        return orchestrator.onReply(SagaEnvelopes.failureReplyTo(command, reason).source("/saga-fixture").type(type)
                .build());
    }

    /**
     * When: time passes; timeouts and retries that fall due run, as the scheduler would run them.
     *
     * @param by how long
     * @return this fixture
     */
    public SagaFixture<S> advance(Duration by) {
        clock.advance(requireNonNull(by, "by"));
        while (orchestrator.runDue() > 0) {
            // keep going while deadlines fall due (a resend may be due at once after a retry)
        }
        return this;
    }

    /**
     * When: the saga is cancelled.
     *
     * @param reason why
     * @return this fixture
     */
    public SagaFixture<S> cancel(String reason) {
        orchestrator.cancel(sagaId(), reason);
        return this;
    }

    /** @return the saga's id */
    public String sagaId() {
        if (sagaId == null) {
            throw new IllegalStateException("no saga started: call start(data) first");
        }
        return sagaId;
    }

    /** @return the saga's status, history included */
    public SagaStatus status() {
        return orchestrator.status(sagaId()).orElseThrow();
    }

    /** @return the saga data as it is now */
    public S data() {
        SagaInstance instance = store.find(sagaId()).orElseThrow();
        return JsonCodec.defaults().read(instance.data(), definition.dataType());
    }

    /** @return every message the saga sent, oldest first */
    public List<SagaMessage> sent() {
        return List.copyOf(sent);
    }

    /** @return the clock */
    public TestClock clock() {
        return clock;
    }

    /** @return the orchestrator, for what the fixture does not cover */
    public SagaOrchestrator orchestrator() {
        return orchestrator;
    }
}
