package dev.chassis.messaging;

import static dev.chassis.messaging.MetricsFixture.ERROR_TYPE;
import static dev.chassis.messaging.MetricsFixture.SUBSCRIPTION;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.RetryableException;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryBusMetricsTest {
    private static final RetryPolicy FAST = RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(10))
            .multiplier(1).maxDelay(Duration.ofMillis(10)).build();
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("chassis.messaging.dead_letter.reason");

    private final MetricsFixture metrics = new MetricsFixture();
    private final InMemoryEventBus bus = InMemoryEventBus.create(b -> b.openTelemetry(metrics.openTelemetry));

    @AfterEach
    void tearDown() {
        bus.close();
        metrics.close();
    }

    @Test
    void countsSentAndConsumedMessagesWithTheirDurations() {
        // given
        bus.subscribe(Subscription.builder("billing").topic("order.placed").handler(d -> { }).build());

        // when
        for (int i = 0; i < 3; i++) {
            bus.publish("order.placed", envelope("o-" + i)).toCompletableFuture().join();
        }

        // then
        Attributes published = Attributes.builder().put("messaging.system", "in_memory")
                .put("messaging.destination.name", "order.placed").put("messaging.operation.name", "publish").build();
        assertThat(metrics.value("messaging.client.sent.messages", published)).isEqualTo(3);
        assertThat(metrics.histogramCount("messaging.client.operation.duration", published)).isEqualTo(3);
        Attributes processed = Attributes.builder().put("messaging.system", "in_memory")
                .put(SUBSCRIPTION, "billing").put("messaging.operation.name", "process").build();
        metrics.awaitValue("messaging.client.consumed.messages", processed, 3);
        assertThat(metrics.histogramCount("messaging.process.duration", processed)).isEqualTo(3);
        assertThat(metrics.points("messaging.process.duration"))
                .allSatisfy(p -> assertThat(p.getAttributes().get(ERROR_TYPE)).isNull());
    }

    @Test
    void countsRetriesAndTheDeadLetterOfAMessageThatKeepsFailing() {
        // given
        bus.subscribe(Subscription.builder("shipping").topic("order.placed").retry(FAST).handler(d -> {
            throw new RetryableException("carrier down");
        }).build());

        // when
        bus.publish("order.placed", envelope("o-1")).toCompletableFuture().join();

        // then
        Attributes shipping = Attributes.of(SUBSCRIPTION, "shipping");
        metrics.awaitValue("chassis.messaging.dead_letters", shipping, 1);
        assertThat(metrics.value("chassis.messaging.retries",
                Attributes.of(SUBSCRIPTION, "shipping", ERROR_TYPE, RetryableException.class.getName()))).isEqualTo(2);
        assertThat(metrics.value("chassis.messaging.dead_letters",
                Attributes.of(SUBSCRIPTION, "shipping", REASON, "retries_exhausted"))).isEqualTo(1);
        assertThat(metrics.value("messaging.client.consumed.messages",
                Attributes.of(SUBSCRIPTION, "shipping", ERROR_TYPE, RetryableException.class.getName()))).isEqualTo(3);
    }

    @Test
    void namesTheReasonOfEveryDeadLetter() throws Exception {
        // given
        bus.subscribe(Subscription.builder("audit").topic("order.placed").retry(FAST).handler(d -> {
            throw new NonRetryableException("malformed order");
        }).build());
        Attributes audit = Attributes.of(SUBSCRIPTION, "audit");

        // when
        bus.publish("order.placed", envelope("o-1")).toCompletableFuture().join();
        bus.publishRaw("order.placed", "raw-1", "{\"id\":42}".getBytes(UTF_8)).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);

        // then
        metrics.awaitValue("chassis.messaging.dead_letters", audit, 2);
        assertThat(metrics.value("chassis.messaging.dead_letters",
                Attributes.of(SUBSCRIPTION, "audit", REASON, "non_retryable"))).isEqualTo(1);
        assertThat(metrics.value("chassis.messaging.dead_letters",
                Attributes.of(SUBSCRIPTION, "audit", REASON, "undecodable"))).isEqualTo(1);
        assertThat(metrics.value("chassis.messaging.retries", audit)).isZero();
    }

    private static Envelope envelope(String text) {
        return Envelope.builder().type("order.placed").source("/orders").data("text/plain", text.getBytes(UTF_8)).build();
    }
}
