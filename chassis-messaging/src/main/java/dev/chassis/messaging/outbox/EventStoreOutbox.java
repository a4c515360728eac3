package dev.chassis.messaging.outbox;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.eventsourcing.AppendHook;
import dev.chassis.core.eventsourcing.RecordedEvent;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Publishes every event appended to a {@link dev.chassis.core.eventsourcing.JdbcEventStore} through
 * the transactional {@link Outbox}: as the store's {@link AppendHook}, it adds one outbox message
 * per stored event in the append's own transaction, so an event is published if and only if it was
 * stored. Each message goes to the topic chosen by a function of the event (default: the event
 * type), with the stream as ordering key, so the relay publishes a stream's events in version order.
 * Instances are immutable, thread-safe and intended to be shared.
 *
 * <pre>{@code
 * Outbox outbox = Outbox.create(b -> b.schema(outboxSchema));
 * JdbcEventStore store = JdbcEventStore.create(dataSource, b -> b
 *         .schema(eventStoreSchema)
 *         .appendHook(EventStoreOutbox.create(outbox, "/order-service")));
 * }</pre>
 *
 * <p>The envelope of an event has the event's id, type and recording time, the configured source,
 * the stream as subject, the JSON data with content type {@code application/json}, the schema version
 * as extension {@code typeversion}, and the correlation and causation ids of the event's metadata
 * (keys {@value #CORRELATION_ID} and {@value #CAUSATION_ID}; the lower-case spellings are read too).
 */
public final class EventStoreOutbox implements AppendHook {
    /** The metadata key of the correlation id. */
    public static final String CORRELATION_ID = "correlationId";
    /** The metadata key of the causation id. */
    public static final String CAUSATION_ID = "causationId";

    private final Outbox outbox;
    private final String source;
    private final Function<RecordedEvent, String> topic;

    private EventStoreOutbox(Builder b) {
        this.outbox = requireNonNull(b.outbox, "outbox must be set: builder().outbox(outbox)");
        this.source = requireNonNull(b.source, "source must be set: builder().source(\"/order-service\")");
        this.topic = b.topic;
        try {
            if (source.isEmpty() || new URI(source).toString().isEmpty()) {
                throw new URISyntaxException(source, "empty");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("source must be a non-empty URI reference such as /order-service, was '"
                    + source + "'", e);
        }
    }

    /**
     * A hook publishing each event to the topic named like its type.
     *
     * @param outbox the outbox, on the same database as the event store
     * @param source the CloudEvents source of the envelopes, e.g. {@code /order-service}
     * @return the hook
     */
    public static EventStoreOutbox create(Outbox outbox, String source) {
        return builder().outbox(outbox).source(source).build();
    }

    /**
     * A hook configured by the given function.
     *
     * @param outbox the outbox, on the same database as the event store
     * @param source the CloudEvents source of the envelopes
     * @param configure sets further builder values
     * @return the hook
     */
    public static EventStoreOutbox create(Outbox outbox, String source, Consumer<Builder> configure) {
        Builder b = builder().outbox(outbox).source(source);
        requireNonNull(configure, "configure").accept(b);
        return b.build();
    }

    /** @return a builder; outbox and source are required, the topic defaults to the event type */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds one outbox message per event on the append's connection.
     *
     * @param tx the append's connection, in its transaction
     * @param events the stored events
     * @throws IllegalArgumentException if a topic is not dot-separated words without wildcards
     * @throws dev.chassis.core.jdbc.DatabaseException if the database failed transiently
     */
    @Override
    public void appended(Connection tx, List<RecordedEvent> events) {
        for (RecordedEvent e : events) {
            outbox.add(tx, requireNonNull(topic.apply(e), "topic function returned null"), e.stream(), envelope(e));
        }
    }

    /**
     * The envelope published for an event.
     *
     * @param event a stored event
     * @return its envelope
     */
    public Envelope envelope(RecordedEvent event) {
        requireNonNull(event, "event");
        return Envelope.builder()
                .id(event.id())
                .type(event.type())
                .source(source)
                .subject(event.stream())
                .time(event.recordedAt())
                .data("application/json", event.data().getBytes(StandardCharsets.UTF_8))
                .extension("typeversion", event.typeVersion())
                .correlationId(metadata(event.metadata(), CORRELATION_ID))
                .causationId(metadata(event.metadata(), CAUSATION_ID))
                .build();
    }

    private static @Nullable String metadata(Map<String, String> metadata, String key) {
        String value = metadata.get(key);
        return value != null ? value : metadata.get(key.toLowerCase(java.util.Locale.ROOT));
    }

    /** Builds an {@link EventStoreOutbox}. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private @Nullable Outbox outbox;
        private @Nullable String source;
        private Function<RecordedEvent, String> topic = RecordedEvent::type;

        private Builder() {
        }

        /**
         * @param outbox the outbox, on the same database as the event store; required
         * @return this builder
         */
        public Builder outbox(Outbox outbox) {
            this.outbox = requireNonNull(outbox, "outbox");
            return this;
        }

        /**
         * @param source the CloudEvents source of the envelopes, e.g. {@code /order-service}; required
         * @return this builder
         */
        public Builder source(String source) {
            this.source = requireNonNull(source, "source");
            return this;
        }

        /**
         * @param topic the topic of an event's message; default the event type
         * @return this builder
         */
        public Builder topic(Function<RecordedEvent, String> topic) {
            this.topic = requireNonNull(topic, "topic");
            return this;
        }

        /**
         * @return the hook
         * @throws NullPointerException if the outbox or the source is missing
         * @throws IllegalArgumentException if the source is not a non-empty URI reference
         */
        public EventStoreOutbox build() {
            return new EventStoreOutbox(this);
        }
    }
}
