package dev.chassis.core.bus;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.NonRetryableException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The metrics of the event buses, shared by every {@link EventBus} implementation so they count
 * alike. Publish and process are measured by {@link MessageCorrelation#publish} and
 * {@link MessageCorrelation#invoke(OpenTelemetry, String, String, EventHandler, Delivery)}; a bus
 * reports its retries and dead letters here:
 *
 * <pre>{@code
 * MessageMetrics.retried(telemetry, "rabbitmq", queue, failure);
 * MessageMetrics.deadLettered(telemetry, "rabbitmq", queue, failure);
 * }</pre>
 *
 * <table>
 *   <caption>Instruments (meter {@code dev.chassis.messaging})</caption>
 *   <tr><th>name</th><th>type</th><th>unit</th></tr>
 *   <tr><td>{@code messaging.client.sent.messages}</td><td>counter</td><td>{@code {message}}</td></tr>
 *   <tr><td>{@code messaging.client.operation.duration}</td><td>histogram</td><td>{@code s}</td></tr>
 *   <tr><td>{@code messaging.client.consumed.messages}</td><td>counter</td><td>{@code {message}}</td></tr>
 *   <tr><td>{@code messaging.process.duration}</td><td>histogram</td><td>{@code s}</td></tr>
 *   <tr><td>{@code chassis.messaging.retries}</td><td>counter</td><td>{@code {message}}</td></tr>
 *   <tr><td>{@code chassis.messaging.dead_letters}</td><td>counter</td><td>{@code {message}}</td></tr>
 * </table>
 *
 * <p>Uses only the OpenTelemetry API: without an SDK the instruments are no-ops. Stateless apart
 * from a cache of instruments per {@link OpenTelemetry} instance; thread-safe.
 */
public final class MessageMetrics {
    /** {@code error.type} and the reason of a dead letter. */
    static final AttributeKey<String> REASON = AttributeKey.stringKey("chassis.messaging.dead_letter.reason");

    /** The OpenTelemetry messaging conventions' advice for duration histograms, in seconds. */
    private static final List<Double> DURATION_BUCKETS =
            List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

    // Building an instrument looks it up in the SDK under a lock; caching them keeps that off the
    // publish path. Weak keys, so a dropped OpenTelemetry instance is not kept alive.
    private static final Map<OpenTelemetry, Instruments> CACHE = new WeakHashMap<>();
    private static volatile @Nullable Instruments last;

    private MessageMetrics() {
    }

    /**
     * Counts a delivery that failed and was scheduled for another attempt.
     *
     * @param telemetry where the meter comes from
     * @param system the {@code messaging.system} value, e.g. {@code rabbitmq}
     * @param queue the subscription's queue
     * @param failure what the handler threw; its class is the {@code error.type}
     */
    public static void retried(OpenTelemetry telemetry, String system, String queue, Throwable failure) {
        requireNonNull(failure, "failure");
        instruments(telemetry).retries.add(1, queueAttributes(system, queue, failure.getClass().getName()).build());
    }

    /**
     * Counts a message moved to its queue's dead-letter queue because its handler failed: with
     * reason {@code non_retryable} for a {@link NonRetryableException}, else {@code retries_exhausted}.
     *
     * @param telemetry where the meter comes from
     * @param system the {@code messaging.system} value
     * @param queue the subscription's queue
     * @param failure what the handler threw; its class is the {@code error.type}
     */
    public static void deadLettered(OpenTelemetry telemetry, String system, String queue, Throwable failure) {
        requireNonNull(failure, "failure");
        deadLetter(telemetry, system, queue, failure,
                failure instanceof NonRetryableException ? "non_retryable" : "retries_exhausted");
    }

    /**
     * Counts a message moved to its queue's dead-letter queue because it could not be decoded
     * (reason {@code undecodable}).
     *
     * @param telemetry where the meter comes from
     * @param system the {@code messaging.system} value
     * @param queue the subscription's queue
     * @param failure the decoding error; its class is the {@code error.type}
     */
    public static void undecodable(OpenTelemetry telemetry, String system, String queue, Throwable failure) {
        requireNonNull(failure, "failure");
        deadLetter(telemetry, system, queue, failure, "undecodable");
    }

    private static void deadLetter(OpenTelemetry telemetry, String system, String queue, Throwable failure,
            String reason) {
        instruments(telemetry).deadLetters.add(1,
                queueAttributes(system, queue, failure.getClass().getName()).put(REASON, reason).build());
    }

    /** Records one publish: a sent message (if it succeeded) and the operation's duration. */
    static void published(OpenTelemetry telemetry, String system, String destination, long startNanos,
            @Nullable Throwable failure) {
        Instruments instruments = instruments(telemetry);
        AttributesBuilder b = operation(system, destination, "publish");
        record(instruments.sent, instruments.operationDuration, b, startNanos, failure);
    }

    /** Records one handler invocation: a consumed message and the processing duration. */
    static void processed(OpenTelemetry telemetry, String system, String destination, String queue, long startNanos,
            @Nullable Throwable failure) {
        Instruments instruments = instruments(telemetry);
        AttributesBuilder b = operation(system, destination, "process").put(MessageSpans.SUBSCRIPTION, queue);
        record(instruments.consumed, instruments.processDuration, b, startNanos, failure);
    }

    private static AttributesBuilder operation(String system, String destination, String operation) {
        return Attributes.builder()
                .put(MessageSpans.SYSTEM, system)
                .put(MessageSpans.DESTINATION, destination)
                .put(MessageSpans.OPERATION_NAME, operation);
    }

    private static void record(LongCounter messages, DoubleHistogram duration, AttributesBuilder b, long startNanos,
            @Nullable Throwable failure) {
        if (failure != null) {
            b.put(MessageSpans.ERROR_TYPE, failure.getClass().getName());
        }
        Attributes attributes = b.build();
        messages.add(1, attributes);
        duration.record((System.nanoTime() - startNanos) / 1e9, attributes);
    }

    private static AttributesBuilder queueAttributes(String system, String queue, String errorType) {
        return Attributes.builder()
                .put(MessageSpans.SYSTEM, requireNonNull(system, "system"))
                .put(MessageSpans.SUBSCRIPTION, requireNonNull(queue, "queue"))
                .put(MessageSpans.ERROR_TYPE, errorType);
    }

    private static Instruments instruments(OpenTelemetry telemetry) {
        requireNonNull(telemetry, "telemetry");
        Instruments cached = last;
        if (cached != null && cached.owner == telemetry) {
            return cached;
        }
        synchronized (CACHE) {
            Instruments instruments = CACHE.computeIfAbsent(telemetry, Instruments::new);
            last = instruments;
            return instruments;
        }
    }

    /** The instruments of one OpenTelemetry instance. */
    private static final class Instruments {
        final OpenTelemetry owner;
        final LongCounter sent;
        final DoubleHistogram operationDuration;
        final LongCounter consumed;
        final DoubleHistogram processDuration;
        final LongCounter retries;
        final LongCounter deadLetters;

        Instruments(OpenTelemetry owner) {
            this.owner = owner;
            Meter meter = owner.getMeter(MessageSpans.SCOPE);
            sent = meter.counterBuilder("messaging.client.sent.messages").setUnit("{message}")
                    .setDescription("Messages a producer attempted to publish to the broker.").build();
            operationDuration = meter.histogramBuilder("messaging.client.operation.duration").setUnit("s")
                    .setDescription("Duration of a publish, until the broker confirmed it.")
                    .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
            consumed = meter.counterBuilder("messaging.client.consumed.messages").setUnit("{message}")
                    .setDescription("Messages delivered to a handler, one per attempt.").build();
            processDuration = meter.histogramBuilder("messaging.process.duration").setUnit("s")
                    .setDescription("Duration of a handler's processing of one delivery.")
                    .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
            retries = meter.counterBuilder("chassis.messaging.retries").setUnit("{message}")
                    .setDescription("Failed deliveries scheduled for another attempt.").build();
            deadLetters = meter.counterBuilder("chassis.messaging.dead_letters").setUnit("{message}")
                    .setDescription("Messages moved to a dead-letter queue.").build();
        }
    }
}
