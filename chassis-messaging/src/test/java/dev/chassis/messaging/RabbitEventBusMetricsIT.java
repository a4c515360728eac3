package dev.chassis.messaging;

import static dev.chassis.messaging.MetricsFixture.ERROR_TYPE;
import static dev.chassis.messaging.MetricsFixture.SUBSCRIPTION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.RetryableException;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bus metrics of the RabbitMQ bus against a real broker. */
class RabbitEventBusMetricsIT {
    private static final RetryPolicy FAST = RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(100))
            .multiplier(1).maxDelay(Duration.ofMillis(100)).build();

    @RegisterExtension
    final RabbitFixture rabbit = new RabbitFixture();

    private final MetricsFixture metrics = new MetricsFixture();

    @AfterEach
    void closeTelemetry() {
        metrics.close();
    }

    @Test
    void countsPublishesConsumesRetriesAndDeadLettersOnTheBroker() {
        // given
        RabbitEventBus bus = rabbit.bus(b -> b.openTelemetry(metrics.openTelemetry));
        String good = rabbit.queue("metered");
        String failing = rabbit.queue("failing");
        bus.subscribe(Subscription.builder(good).topic("order.placed").handler(d -> { }).build());
        bus.subscribe(Subscription.builder(failing).topic("order.cancelled").retry(FAST).handler(d -> {
            throw new RetryableException("refund service down");
        }).build());

        // when
        for (int i = 0; i < 5; i++) {
            bus.publish("order.placed", RabbitFixture.envelope("o-" + i)).toCompletableFuture().join();
        }
        bus.publish("order.cancelled", RabbitFixture.envelope("c-1")).toCompletableFuture().join();

        // then
        Attributes sent = Attributes.builder().put("messaging.system", "rabbitmq")
                .put("messaging.destination.name", rabbit.exchange).put("messaging.operation.name", "publish").build();
        assertThat(metrics.value("messaging.client.sent.messages", sent)).isEqualTo(6);
        assertThat(metrics.histogramCount("messaging.client.operation.duration", sent)).isEqualTo(6);
        metrics.awaitValue("messaging.client.consumed.messages", Attributes.of(SUBSCRIPTION, good), 5);
        assertThat(metrics.histogramCount("messaging.process.duration", Attributes.of(SUBSCRIPTION, good))).isEqualTo(5);
        metrics.awaitValue("chassis.messaging.dead_letters", Attributes.of(SUBSCRIPTION, failing), 1);
        assertThat(metrics.value("chassis.messaging.dead_letters", Attributes.of(SUBSCRIPTION, failing,
                AttributeKey.stringKey("chassis.messaging.dead_letter.reason"), "retries_exhausted"))).isEqualTo(1);
        assertThat(metrics.value("chassis.messaging.retries",
                Attributes.of(SUBSCRIPTION, failing, ERROR_TYPE, RetryableException.class.getName()))).isEqualTo(2);
        assertThat(metrics.value("messaging.client.consumed.messages", Attributes.of(SUBSCRIPTION, failing)))
                .isEqualTo(3);
        // retry and dead-letter copies are the bus's own traffic, not application publishes
        assertThat(metrics.value("messaging.client.sent.messages", Attributes.empty())).isEqualTo(6);
    }
}
