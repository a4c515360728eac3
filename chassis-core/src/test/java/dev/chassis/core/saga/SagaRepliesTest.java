package dev.chassis.core.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.saga.OrderSagaWorld.Order;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SagaRepliesTest {
    private final OrderSagaWorld world = new OrderSagaWorld();
    private final List<String> ignored = new CopyOnWriteArrayList<>();
    private final SagaOrchestrator orchestrator = SagaOrchestrator.builder(world.store)
            .definition(world.definition).clock(world.clock)
            .listener(new SagaListener() {
                @Override
                public void onReplyIgnored(Envelope reply, String reason) {
                    ignored.add(reason);
                }
            })
            .build();

    private Envelope replyToNextCommand() {
        SagaMessage command = world.outbox.poll();
        assertThat(command).as("a command was sent").isNotNull();
        Optional<Envelope> reply = world.handle(command);
        return reply.orElseThrow();
    }

    @Test
    void aDuplicateReplyDoesNotTransitionTwice() {
        // given
        String sagaId = orchestrator.start(world.definition, new Order("o-1", 1, 100));
        Envelope reserved = replyToNextCommand();

        // when
        SagaReplyOutcome first = orchestrator.onReply(reserved);
        long revision = world.store.find(sagaId).orElseThrow().revision();
        SagaReplyOutcome second = orchestrator.onReply(reserved);

        // then
        assertThat(first).isEqualTo(SagaReplyOutcome.APPLIED);
        assertThat(second).isEqualTo(SagaReplyOutcome.IGNORED);
        assertThat(world.store.find(sagaId).orElseThrow().revision()).isEqualTo(revision);
        assertThat(world.outbox).extracting(m -> m.envelope().type()).containsExactly("payment.process");
        assertThat(ignored).singleElement().asString().contains("stale reply for action of step 'reserve-inventory'");
    }

    @Test
    void anEarlierStepsReplyArrivingAfterALaterOneIsIgnored() {
        // given
        String sagaId = orchestrator.start(world.definition, new Order("o-1", 1, 100));
        Envelope reserved = replyToNextCommand();
        orchestrator.onReply(reserved);
        Envelope processed = replyToNextCommand();

        // when
        SagaReplyOutcome later = orchestrator.onReply(processed);
        SagaReplyOutcome earlier = orchestrator.onReply(reserved);

        // then
        assertThat(later).isEqualTo(SagaReplyOutcome.APPLIED);
        assertThat(earlier).isEqualTo(SagaReplyOutcome.IGNORED);
        assertThat(world.state(sagaId)).isEqualTo(SagaState.COMPLETED);
        assertThat(world.orders.count("confirmed", "o-1")).isEqualTo(1);
        assertThat(orchestrator.metrics().repliesApplied()).isEqualTo(2);
        assertThat(orchestrator.metrics().repliesIgnored()).isEqualTo(1);
    }

    @Test
    void aReplyForTheNextStepBeforeItsCommandWasSentIsIgnored() {
        // given
        String sagaId = orchestrator.start(world.definition, "saga-1", new Order("o-1", 1, 100));
        Envelope forged = Envelope.builder().source("/payments").type("payment.processed")
                .extension(SagaEnvelopes.SAGA_ID, sagaId).extension(SagaEnvelopes.SAGA_STEP, "process-payment")
                .extension(SagaEnvelopes.SAGA_PHASE, "action").build();

        // when
        SagaReplyOutcome outcome = orchestrator.onReply(forged);

        // then
        assertThat(outcome).isEqualTo(SagaReplyOutcome.IGNORED);
        assertThat(orchestrator.status(sagaId).orElseThrow().step()).isEqualTo("reserve-inventory");
    }

    @Test
    void repliesForUnknownSagasAndEnvelopesWithoutSagaExtensionsAreIgnored() {
        // given
        Envelope unknown = Envelope.builder().source("/inventory").type("inventory.reserved")
                .extension(SagaEnvelopes.SAGA_ID, "no-such-saga").extension(SagaEnvelopes.SAGA_STEP, "reserve-inventory")
                .extension(SagaEnvelopes.SAGA_PHASE, "action").build();
        Envelope plain = Envelope.builder().source("/inventory").type("inventory.reserved").build();

        // when
        SagaReplyOutcome a = orchestrator.onReply(unknown);
        SagaReplyOutcome b = orchestrator.onReply(plain);

        // then
        assertThat(List.of(a, b)).containsOnly(SagaReplyOutcome.IGNORED);
        assertThat(ignored).hasSize(2);
        assertThat(ignored.get(0)).contains("unknown saga 'no-such-saga'");
        assertThat(ignored.get(1)).contains("not a saga reply");
    }

    @Test
    void replyHelpersRejectEnvelopesThatAreNotSagaCommands() {
        // given
        Envelope plain = Envelope.builder().source("/x").type("x.happened").build();

        // when
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> SagaEnvelopes.replyTo(plain));

        // then
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a saga command");
        assertThat(SagaEnvelopes.idempotencyKey(plain)).isEmpty();
        assertThat(SagaEnvelopes.failure(plain)).isEmpty();
    }
}
