package dev.chassis.testkit.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.saga.SagaAction;
import dev.chassis.core.saga.SagaCommand;
import dev.chassis.core.saga.SagaDefinition;
import dev.chassis.core.saga.SagaReplyOutcome;
import dev.chassis.core.saga.SagaRetry;
import dev.chassis.core.saga.SagaState;
import dev.chassis.core.saga.SagaTransition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class SagaFixtureTest {
    record Order(String orderId, int quantity, @Nullable String paymentId) {
    }

    private final List<String> confirmed = new ArrayList<>();
    private final List<String> cancelled = new ArrayList<>();
    private boolean confirmFails;

    private final SagaDefinition<Order> orderSaga = SagaDefinition.builder("order-saga", Order.class)
            .step("reserve-inventory", step -> step
                    .action(SagaAction.command(order -> SagaCommand.of("inventory", "inventory.reserve", order)))
                    .compensation(SagaAction.command(order -> SagaCommand.of("inventory", "inventory.release", order)))
                    .timeout(Duration.ofSeconds(30))
                    .retry(SagaRetry.of(2, Duration.ofSeconds(1))))
            .step("process-payment", step -> step
                    .action(SagaAction.command(order -> SagaCommand.of("payments", "payment.process", order),
                            (order, reply) -> new Order(order.orderId(), order.quantity(),
                                    reply.dataAs(Map.class).get("paymentId").toString())))
                    .compensation(SagaAction.call((order, key) -> {
                        cancelled.add(key);
                        return order;
                    })))
            .step("confirm-order", step -> step
                    .action(SagaAction.call((order, key) -> {
                        if (confirmFails) {
                            throw new IllegalStateException("orders database down");
                        }
                        confirmed.add(order.orderId());
                        return order;
                    }))
                    .retry(SagaRetry.none()))
            .build();

    @Test
    void walksTheHappyPath() {
        // given
        SagaFixture<Order> saga = SagaFixture.of(orderSaga).start(new Order("o-1", 2, null));

        // when
        SagaReplyOutcome reserved = saga.reply(saga.expectCommand("inventory.reserve"), "inventory.reserved");
        Envelope charge = saga.expectCommand("payment.process");
        saga.reply(charge, "payment.processed", Map.of("paymentId", "p-9"));

        // then
        assertThat(reserved).isEqualTo(SagaReplyOutcome.APPLIED);
        saga.expectState(SagaState.COMPLETED).expectNoCommand();
        assertThat(saga.data().paymentId()).isEqualTo("p-9");
        assertThat(confirmed).containsExactly("o-1");
        assertThat(charge.extension("sagakey")).contains("saga-1:process-payment:action");
    }

    @Test
    void aFailureReplyCompensatesTheCompletedSteps() {
        // given
        SagaFixture<Order> saga = SagaFixture.of(orderSaga).start(new Order("o-1", 2, null));
        saga.reply(saga.expectCommand("inventory.reserve"), "inventory.reserved");

        // when
        saga.replyFailure(saga.expectCommand("payment.process"), "payment.declined", "card declined");
        Envelope release = saga.expectCommand("inventory.release");
        saga.reply(release, "inventory.released");

        // then
        saga.expectState(SagaState.COMPENSATED).expectNoCommand();
        assertThat(saga.status().failure()).contains("card declined");
        assertThat(cancelled).isEmpty();
    }

    @Test
    void aFailingCallCompensatesAndTheClockFiresTimeouts() {
        // given
        confirmFails = true;
        SagaFixture<Order> saga = SagaFixture.of(orderSaga).start(new Order("o-1", 2, null));
        saga.reply(saga.expectCommand("inventory.reserve"), "inventory.reserved");

        // when the call fails, the payment is compensated by a call and the release never gets a reply
        saga.reply(saga.expectCommand("payment.process"), "payment.processed", Map.of("paymentId", "p-9"));
        Envelope release = saga.expectCommand("inventory.release");
        saga.advance(Duration.ofSeconds(30));
        Envelope resent = saga.expectCommand("inventory.release");
        saga.advance(Duration.ofSeconds(30));

        // then
        assertThat(cancelled).containsExactly("saga-1:process-payment:compensation");
        assertThat(resent.extension("sagakey")).isEqualTo(release.extension("sagakey"));
        assertThat(resent.extension("sagaattempt")).contains(2);
        saga.expectState(SagaState.FAILED);
        assertThat(saga.status().history()).extracting(SagaTransition::event).contains("step-failed", "timed-out",
                "compensation-failed");
    }

    @Test
    void reportsAnUnexpectedCommandType() {
        // given
        SagaFixture<Order> saga = SagaFixture.of(orderSaga).start(new Order("o-1", 2, null));

        // when
        Throwable thrown = catchThrowable(() -> saga.expectCommand("payment.process"));

        // then
        assertThat(thrown).isInstanceOf(AssertionError.class).hasMessageContaining("inventory.reserve");
    }

    record Reservation(String id) {
    }

    @Test
    void runsTheSampleOfTheDocs() {
        // given the docs' order saga, reduced to its messages
        SagaDefinition<Order> orderSaga = SagaDefinition.builder("order-saga", Order.class)
                .step("reserve-inventory", step -> step
                        .action(SagaAction.command(order -> SagaCommand.of("inventory", "inventory.reserve", order),
                                (order, reply) -> order))
                        .compensation(SagaAction.command(order -> SagaCommand.of("inventory", "inventory.release", order))))
                .step("process-payment", step -> step
                        .action(SagaAction.command(order -> SagaCommand.of("payments", "payment.process", order))))
                .build();
        Order order = new Order("42", 2, null);

        // when
        SagaFixture<Order> saga = SagaFixture.of(orderSaga).start(order);
        saga.reply(saga.expectCommand("inventory.reserve"), "inventory.reserved", new Reservation("r-1"));
        saga.replyFailure(saga.expectCommand("payment.process"), "payment.declined", "card declined");
        saga.reply(saga.expectCommand("inventory.release"), "inventory.released");

        // then
        saga.expectState(SagaState.COMPENSATED).expectNoCommand();
        assertThat(saga.sent()).hasSize(3);
    }

    @Test
    void firesATimeoutWhenTheClockMoves() {
        // given
        SagaFixture<Order> saga = SagaFixture.of(orderSaga).start(new Order("42", 2, null));
        Envelope first = saga.expectCommand("inventory.reserve");

        // when
        saga.advance(Duration.ofSeconds(29));
        saga.expectNoCommand();
        saga.advance(Duration.ofSeconds(1));
        Envelope resent = saga.expectCommand("inventory.reserve");

        // then
        assertThat(resent.id()).isEqualTo("saga-1:reserve-inventory:action:2");
        assertThat(first.id()).isEqualTo("saga-1:reserve-inventory:action:1");
        assertThat(saga.status().attempt()).isEqualTo(2);
        assertThat(saga.clock().instant()).isEqualTo(java.time.Instant.parse("2026-01-01T00:00:30Z"));
    }
}
