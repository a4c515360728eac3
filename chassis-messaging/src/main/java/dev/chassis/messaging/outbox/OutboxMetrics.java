package dev.chassis.messaging.outbox;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay's observable instruments, read at each metrics collection from what the admin route
 * shows: backlog, lag (age of the oldest unsent message), parked and published messages. One
 * collection runs the store's three count queries. Thread-safe.
 */
final class OutboxMetrics implements AutoCloseable {
    static final AttributeKey<String> NAME = AttributeKey.stringKey("chassis.outbox.name");
    private static final Logger LOG = LoggerFactory.getLogger(OutboxMetrics.class);

    private final BatchCallback callback;

    OutboxMetrics(OpenTelemetry telemetry, OutboxRelay relay) {
        Meter meter = telemetry.getMeter("dev.chassis.messaging");
        ObservableLongMeasurement backlog = meter.gaugeBuilder("chassis.outbox.backlog").ofLongs().setUnit("{message}")
                .setDescription("Committed outbox messages not yet published.").buildObserver();
        ObservableDoubleMeasurement lag = meter.gaugeBuilder("chassis.outbox.lag").setUnit("s")
                .setDescription("Age of the oldest unsent outbox message; 0 when nothing waits.").buildObserver();
        ObservableLongMeasurement parked = meter.gaugeBuilder("chassis.outbox.parked").ofLongs().setUnit("{message}")
                .setDescription("Outbox messages parked after the bus refused them maxAttempts times.").buildObserver();
        ObservableLongMeasurement published = meter.counterBuilder("chassis.outbox.published").setUnit("{message}")
                .setDescription("Outbox messages this relay published and marked sent.").buildObserver();
        Attributes attributes = Attributes.of(NAME, relay.name());
        this.callback = meter.batchCallback(() -> {
            published.record(relay.published(), attributes);
            try {
                backlog.record(relay.backlog(), attributes);
                lag.record(relay.oldestUnsentAge().map(OutboxMetrics::seconds).orElse(0.0), attributes);
                parked.record(relay.parkedCount(), attributes);
            } catch (RuntimeException e) {
                // a database that cannot be read leaves gaps in the series rather than wrong values
                LOG.debug("outbox relay '{}': metrics not read: {}", relay.name(), e.toString());
            }
        }, backlog, lag, parked, published);
    }

    private static double seconds(Duration age) {
        return age.toNanos() / 1e9;
    }

    @Override
    public void close() {
        callback.close();
    }
}
