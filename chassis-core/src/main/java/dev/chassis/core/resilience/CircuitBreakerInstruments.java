package dev.chassis.core.resilience;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The OpenTelemetry instruments of a {@link CircuitBreakerRegistry}: each breaker's state as a gauge
 * read at collection time, and counters of its state transitions and rejected calls fed by a
 * listener on every breaker the registry creates. The gauge's callback is registered when the first
 * breaker is, so registries that never create one (e.g. defaults a builder replaces) leave nothing
 * behind in the meter provider. Thread-safe.
 */
final class CircuitBreakerInstruments implements CircuitBreakerListener {
    static final String SCOPE = "dev.chassis.resilience";
    static final AttributeKey<String> NAME = AttributeKey.stringKey("chassis.circuit_breaker.name");
    static final AttributeKey<String> STATE = AttributeKey.stringKey("chassis.circuit_breaker.state");
    static final AttributeKey<String> PREVIOUS_STATE = AttributeKey.stringKey("chassis.circuit_breaker.previous_state");

    private final Meter meter;
    private final Supplier<? extends Iterable<CircuitBreaker>> breakers;
    private final AtomicBoolean gaugeRegistered = new AtomicBoolean();
    private final LongCounter transitions;
    private final LongCounter rejections;

    /**
     * Creates the counters; the gauge waits for the first breaker.
     *
     * @param telemetry where the meter comes from
     * @param breakers the breakers whose states the gauge reports, asked at each collection
     */
    CircuitBreakerInstruments(OpenTelemetry telemetry, Supplier<? extends Iterable<CircuitBreaker>> breakers) {
        this.meter = telemetry.getMeter(SCOPE);
        this.breakers = breakers;
        transitions = meter.counterBuilder("chassis.circuit_breaker.transitions").setUnit("{transition}")
                .setDescription("State changes of circuit breakers.").build();
        rejections = meter.counterBuilder("chassis.circuit_breaker.rejections").setUnit("{call}")
                .setDescription("Calls an open or half-open circuit breaker rejected.").build();
    }

    /** Starts observing a breaker the registry created. */
    void observe(CircuitBreaker breaker) {
        breaker.events().addListener(this);
        if (gaugeRegistered.compareAndSet(false, true)) {
            registerGauge();
        }
    }

    private void registerGauge() {
        // registered for the meter provider's lifetime, like the registry it reads
        meter.gaugeBuilder("chassis.circuit_breaker.state").ofLongs()
                .setDescription("1 for the state each circuit breaker is in, 0 for the others.")
                .buildWithCallback(gauge -> {
                    for (CircuitBreaker breaker : breakers.get()) {
                        CircuitBreaker.State current = breaker.state();
                        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
                            gauge.record(state == current ? 1 : 0, Attributes.of(NAME, breaker.name(), STATE, label(state)));
                        }
                    }
                });
    }

    @Override
    public void onStateChange(StateChange change) {
        transitions.add(1, Attributes.of(NAME, change.breakerName(), STATE, label(change.to()),
                PREVIOUS_STATE, label(change.from())));
    }

    @Override
    public void onCallRejected(CircuitOpenException rejection) {
        rejections.add(1, Attributes.of(NAME, rejection.breakerName()));
    }

    /** {@code closed}, {@code open}, {@code half_open}. */
    static String label(CircuitBreaker.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
