package dev.chassis.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.MutableClock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CircuitBreakerMetricsTest {
    private static final AttributeKey<String> NAME = AttributeKey.stringKey("chassis.circuit_breaker.name");
    private static final AttributeKey<String> STATE = AttributeKey.stringKey("chassis.circuit_breaker.state");
    private static final AttributeKey<String> PREVIOUS = AttributeKey.stringKey("chassis.circuit_breaker.previous_state");

    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.builder()
            .clock(clock).openTelemetry(openTelemetry).build();

    @AfterEach
    void closeTelemetry() {
        openTelemetry.close();
    }

    @Test
    void reportsEachBreakersStateAsAGauge() {
        // given
        registry.circuitBreaker("payments");
        CircuitBreaker shipping = registry.circuitBreaker("shipping");

        // when
        fail(shipping, shipping.config().minimumCalls());

        // then
        assertThat(value("chassis.circuit_breaker.state", Attributes.of(NAME, "payments", STATE, "closed"))).isEqualTo(1);
        assertThat(value("chassis.circuit_breaker.state", Attributes.of(NAME, "payments", STATE, "open"))).isZero();
        assertThat(value("chassis.circuit_breaker.state", Attributes.of(NAME, "shipping", STATE, "open"))).isEqualTo(1);
        assertThat(value("chassis.circuit_breaker.state", Attributes.of(NAME, "shipping", STATE, "closed"))).isZero();
        assertThat(value("chassis.circuit_breaker.state", Attributes.of(NAME, "shipping", STATE, "half_open"))).isZero();
    }

    @Test
    void countsTransitionsWithTheirStatesAndRejectedCalls() {
        // given
        CircuitBreaker breaker = registry.circuitBreaker("payments");
        Resilience policy = Resilience.builder("payments").circuitBreaker(breaker).build();
        fail(breaker, breaker.config().minimumCalls());

        // when
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> policy.call(() -> "paid")).isInstanceOf(CircuitOpenException.class);
        }
        clock.advance(breaker.config().openDuration().plus(Duration.ofSeconds(1)));
        for (int i = 0; i < breaker.config().halfOpenPermits(); i++) {
            policy.call(() -> "paid");
        }

        // then
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(value("chassis.circuit_breaker.rejections", Attributes.of(NAME, "payments"))).isEqualTo(3);
        assertThat(value("chassis.circuit_breaker.transitions",
                Attributes.of(NAME, "payments", PREVIOUS, "closed", STATE, "open"))).isEqualTo(1);
        assertThat(value("chassis.circuit_breaker.transitions",
                Attributes.of(NAME, "payments", PREVIOUS, "open", STATE, "half_open"))).isEqualTo(1);
        assertThat(value("chassis.circuit_breaker.transitions",
                Attributes.of(NAME, "payments", PREVIOUS, "half_open", STATE, "closed"))).isEqualTo(1);
    }

    private static void fail(CircuitBreaker breaker, int times) {
        Resilience policy = Resilience.builder(breaker.name()).circuitBreaker(breaker).build();
        for (int i = 0; i < times; i++) {
            policy.call(() -> {
                throw new IllegalStateException("down");
            }, failure -> "ignored");
        }
    }

    /** The value of the one point of a long metric with exactly these attributes, 0 if it has none. */
    private long value(String metric, Attributes attributes) {
        return reader.collectAllMetrics().stream()
                .filter(m -> m.getName().equals(metric))
                .flatMap(m -> m.getData().getPoints().stream())
                .filter(p -> p.getAttributes().equals(attributes))
                .mapToLong(p -> ((LongPointData) p).getValue())
                .sum();
    }
}
