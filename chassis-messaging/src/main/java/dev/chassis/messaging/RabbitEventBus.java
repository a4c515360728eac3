package dev.chassis.messaging;

import static java.util.Objects.requireNonNull;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.chassis.core.NonRetryableException;
import dev.chassis.core.RetryableException;
import dev.chassis.core.bus.MessageCorrelation;
import dev.chassis.core.bus.DeadLetters;
import dev.chassis.core.bus.Delivery;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.bus.EventHandler;
import dev.chassis.core.bus.Headers;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.SubscriptionHandle;
import dev.chassis.core.bus.TopicPattern;
import dev.chassis.core.envelope.Envelope;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EventBus} on RabbitMQ: a durable topic exchange, a durable queue per subscription with
 * per-delay retry queues and a dead-letter queue, persistent messages, publisher confirms and manual
 * acknowledgements. Envelopes travel in the CloudEvents AMQP binary mode.
 *
 * <p>Instances are thread-safe and intended to be shared: one per process and broker. A bus holds two
 * connections ({@code <connectionName>-publish} and {@code <connectionName>-consume}) which recover
 * automatically after a network failure or broker restart, re-declaring their topology and consumers.
 *
 * <pre>{@code
 * try (RabbitEventBus bus = RabbitEventBus.builder()
 *         .uri("amqp://guest:guest@127.0.0.1:5672/")
 *         .connectionName("email-service")
 *         .build()) {
 *     bus.subscribe(Subscription.builder("email-service.welcome").topic("user.created").handler(h).build());
 *     bus.publish("user.created", envelope).toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <p>{@link #publish} takes a publisher channel from a pool of {@code publisherChannels}; each allows
 * {@code maxUnconfirmedPerChannel} unconfirmed messages. When every channel's window is full the
 * calling thread waits for room, at most {@code publishConfirmTimeout}, then the stage fails with
 * {@code TIMED_OUT}: back-pressure instead of unbounded buffering. While the broker is unreachable,
 * publishes fail at once with {@code BROKER_UNAVAILABLE}. Stages complete on a bus thread; do not
 * block in their callbacks.
 */
public final class RabbitEventBus implements EventBus {
    /** The {@code messaging.system} of its spans. */
    static final String SYSTEM = "rabbitmq";
    private static final Logger LOG = LoggerFactory.getLogger(RabbitEventBus.class);

    /** The kind of queue a bus declares for subscriptions, their retries and dead letters. */
    public enum QueueType {
        /** Classic queues: a single replica, the fastest; for one broker or development. */
        CLASSIC,
        /** Quorum queues: replicated with Raft across a cluster; for production clusters. */
        QUORUM
    }

    private final Builder config;
    private final Clock clock;
    private final RabbitConnectionListener listener;
    private final ExecutorService consumerThreads;
    private final ExecutorService completions;
    private final ScheduledExecutorService supervisor;
    private final Connection publishConnection;
    private final Connection consumeConnection;
    private final RabbitPublisher publisher;
    private final RabbitDeadLetters deadLetters;
    private final Object topologyLock = new Object();
    private final Map<String, RabbitSubscriber> subscriptions = new ConcurrentHashMap<>();
    private @Nullable Channel topologyChannel;
    private volatile boolean closed;

    private RabbitEventBus(Builder b) {
        this.config = b.copy();
        this.clock = b.clock;
        this.listener = RabbitConnections.safe(b.listener);
        String name = b.connectionName;
        this.consumerThreads = RabbitConnections.dispatchPool(name + "-consumer");
        this.completions = Executors.newSingleThreadExecutor(RabbitConnections.threads(name + "-confirms"));
        this.supervisor = Executors.newSingleThreadScheduledExecutor(RabbitConnections.threads(name + "-supervisor"));
        Connection pub = null;
        try {
            pub = connect(b, name + "-publish", null);
            this.publishConnection = pub;
            this.consumeConnection = connect(b, name + "-consume", consumerThreads);
        } catch (RuntimeException e) {
            RabbitConnections.closeQuietly(pub);
            shutdownExecutors();
            throw e;
        }
        this.publisher = new RabbitPublisher(publishConnection, b.publisherChannels, b.maxUnconfirmedPerChannel,
                b.publishConfirmTimeout, completions, supervisor, reason -> listener.onChannelReplaced("publish", reason));
        this.deadLetters = new RabbitDeadLetters(this);
        try {
            synchronized (topologyLock) {
                RabbitTopology.declareExchange(publishConnection, keeper(publishConnection, true), b.exchange);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts configuring a bus. Defaults: {@code amqp://guest:guest@localhost:5672/}, exchange
     * {@code chassis.events}, classic queues, confirm timeout 10 s, 256 unconfirmed per channel,
     * 4 publisher channels, heartbeat 30 s, recovery interval 2 s, connection name {@code chassis},
     * the UTC system clock, no listener.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletionStage<Void> publish(String topic, Envelope envelope) {
        TopicPattern.checkTopic(topic);
        requireNonNull(envelope, "envelope");
        return MessageCorrelation.publish(telemetry(), SYSTEM, config.exchange, topic, envelope, stamped -> {
            AMQP.BasicProperties props = AmqpEnvelopeCodec.encode(stamped, topic, 1);
            return publisher.publish(config.exchange, topic, props, stamped.data(), topic, stamped.id());
        });
    }

    @Override
    public SubscriptionHandle subscribe(Subscription subscription) {
        requireNonNull(subscription, "subscription");
        if (closed) {
            throw new IllegalStateException("the bus is closed");
        }
        RabbitSubscriber subscriber = new RabbitSubscriber(this, subscription);
        if (subscriptions.putIfAbsent(subscription.queue(), subscriber) != null) {
            throw new IllegalStateException("this bus already has an open subscription on '" + subscription.queue() + "'");
        }
        try {
            declareTopology(subscription);
            subscriber.start();
        } catch (RuntimeException e) {
            subscriptions.remove(subscription.queue(), subscriber);
            throw e;
        }
        return subscriber;
    }

    @Override
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    /**
     * The queues of this bus's open subscriptions, e.g. for
     * {@link dev.chassis.core.bus.DeadLetterRoutes#of(DeadLetters, java.util.function.Supplier)}.
     *
     * @return the queue names, a snapshot
     */
    public List<String> subscribedQueues() {
        return List.copyOf(subscriptions.keySet());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RabbitSubscriber s : new ArrayList<>(subscriptions.values())) {
            s.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        RabbitConnections.closeQuietly(publishConnection);
        RabbitConnections.closeQuietly(consumeConnection);
        shutdownExecutors();
    }

    // ---- package-private collaboration with the subscriber, publisher and dead letters ----

    Connection consumeConnection() {
        return consumeConnection;
    }

    RabbitPublisher publisher() {
        return publisher;
    }

    Clock clock() {
        return clock;
    }

    RabbitConnectionListener listener() {
        return listener;
    }

    void unsubscribed(RabbitSubscriber subscriber) {
        subscriptions.remove(subscriber.queue(), subscriber);
    }

    void declareTopology(Subscription sub) {
        synchronized (topologyLock) {
            RabbitTopology.declareSubscription(consumeConnection, keeper(consumeConnection, false), config.exchange, sub,
                    config.queueType);
        }
    }

    /** The long-lived channel declarations are recorded on for automatic topology recovery. */
    private Channel keeper(Connection connection, boolean publishSide) {
        if (publishSide) {
            try {
                return connection.createChannel();
            } catch (IOException e) {
                throw new RetryableException("cannot open a channel to the broker: " + e.getMessage(), e);
            }
        }
        Channel ch = topologyChannel;
        if (ch == null || !ch.isOpen()) {
            if (ch != null) {
                try {
                    ch.abort();
                } catch (IOException | RuntimeException e) {
                    LOG.debug("aborting the old topology channel failed", e);
                }
            }
            try {
                ch = connection.createChannel();
            } catch (IOException | RuntimeException e) {
                throw new RetryableException("cannot open a channel to the broker: " + e.getMessage(), e);
            }
            topologyChannel = ch;
        }
        return ch;
    }

    /**
     * Calls the handler. This is the single place where a delivery meets application code: correlation
     * context, tracing and inbox deduplication wrap this call.
     */
    void invoke(EventHandler handler, Delivery delivery) throws Exception {
        MessageCorrelation.invoke(telemetry(), SYSTEM, config.exchange, handler, delivery);
    }

    /** The configured OpenTelemetry, else the global one, looked up late so it may be registered after the bus is built. */
    OpenTelemetry telemetry() {
        OpenTelemetry configured = config.openTelemetry;
        return configured != null ? configured : GlobalOpenTelemetry.getOrNoop();
    }

    /** Re-publishes a failed delivery to the delay queue for its next attempt; true once confirmed. */
    boolean retry(String queue, String topic, AMQP.BasicProperties props, byte[] body, int nextAttempt, Duration delay) {
        Map<String, Object> headers = RabbitSubscriber.copy(props.getHeaders());
        headers.put(Headers.ATTEMPT, nextAttempt);
        headers.put(Headers.TOPIC, topic);
        String id = props.getMessageId() == null ? "" : props.getMessageId();
        return await(publisher.publish("", RabbitTopology.retryQueue(queue, delay), props.builder().headers(headers).build(),
                body, topic, id));
    }

    /** Publishes a dead letter with the failure in its headers; true once confirmed. */
    boolean deadLetter(String queue, String topic, AMQP.BasicProperties props, byte[] body, Throwable failure, int attempts) {
        Map<String, Object> headers = RabbitSubscriber.copy(props.getHeaders());
        String message = String.valueOf(failure.getMessage());
        if (message.length() > RabbitSubscriber.MAX_EXCEPTION_MESSAGE) {
            message = message.substring(0, RabbitSubscriber.MAX_EXCEPTION_MESSAGE);
        }
        headers.put(Headers.EXCEPTION_CLASS, failure.getClass().getName());
        headers.put(Headers.EXCEPTION_MESSAGE, message);
        headers.put(Headers.ATTEMPTS, attempts);
        headers.put(Headers.ORIGINAL_QUEUE, queue);
        headers.put(Headers.DEAD_LETTERED_AT, clock.instant().toString());
        headers.put(Headers.TOPIC, topic);
        String id = props.getMessageId() == null ? UUID.randomUUID().toString() : props.getMessageId();
        AMQP.BasicProperties out = props.builder().messageId(id).deliveryMode(2).headers(headers).build();
        return await(publisher.publish(RabbitTopology.dlx(queue), queue, out, body, topic, id));
    }

    boolean await(CompletableFuture<Void> confirm) {
        try {
            confirm.get(config.publishConfirmTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("internal publish not confirmed: {}", e.getCause() == null ? e.toString() : e.getCause().getMessage());
            return false;
        }
    }

    /** Runs a task on the supervisor thread until it reports success, once per recovery interval. */
    void supervise(BooleanSupplier task) {
        if (closed) {
            return;
        }
        try {
            supervisor.execute(() -> {
                boolean done;
                try {
                    done = closed || task.getAsBoolean();
                } catch (RuntimeException e) {
                    LOG.warn("supervision task failed", e);
                    done = false;
                }
                if (!done && !closed) {
                    try {
                        supervisor.schedule(() -> supervise(task), config.recoveryInterval.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException e) {
                        // closed meanwhile
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // closed meanwhile: nothing left to supervise
        }
    }

    static String describe(ShutdownSignalException e) {
        Object reason = e.getReason();
        if (reason instanceof AMQP.Channel.Close) {
            AMQP.Channel.Close c = (AMQP.Channel.Close) reason;
            return c.getReplyCode() + " " + c.getReplyText();
        }
        if (reason instanceof AMQP.Connection.Close) {
            AMQP.Connection.Close c = (AMQP.Connection.Close) reason;
            return c.getReplyCode() + " " + c.getReplyText();
        }
        return String.valueOf(e.getMessage());
    }

    // ---- connections ----

    private Connection connect(Builder b, String name, @Nullable ExecutorService executor) {
        ConnectionFactory f = new ConnectionFactory();
        try {
            if (b.uri != null) {
                f.setUri(b.uri);
                if (f.getVirtualHost().isEmpty()) {
                    f.setVirtualHost("/"); // "amqp://host:5672/" means the default vhost, as most tools read it
                }
            } else {
                f.setHost(b.host);
                f.setPort(b.port);
                f.setUsername(b.username);
                f.setPassword(b.password);
                f.setVirtualHost(b.virtualHost);
            }
        } catch (URISyntaxException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("uri: '" + redact(b.uri) + "' is not an amqp(s):// URI: " + e.getMessage(), e);
        }
        f.setAutomaticRecoveryEnabled(true);
        f.setTopologyRecoveryEnabled(true);
        f.setNetworkRecoveryInterval(b.recoveryInterval.toMillis());
        f.setRequestedHeartbeat((int) b.heartbeat.toSeconds());
        f.setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, b.publishConfirmTimeout.toMillis()));
        return RabbitConnections.open(f, name, executor, listener);
    }

    private static String redact(@Nullable String uri) {
        return uri == null ? "" : uri.replaceAll("//[^@/]*@", "//***@");
    }

    private void shutdownExecutors() {
        supervisor.shutdownNow();
        completions.shutdown();
        consumerThreads.shutdown();
    }

    /**
     * Configures and builds a {@link RabbitEventBus}. Not thread-safe; {@link #build()} copies the
     * settings, so one builder can build several buses.
     */
    public static final class Builder {
        private @Nullable String uri;
        private String host = "localhost";
        private int port = 5672;
        private String username = "guest";
        private String password = "guest";
        private String virtualHost = "/";
        private String exchange = "chassis.events";
        private QueueType queueType = QueueType.CLASSIC;
        private Duration publishConfirmTimeout = Duration.ofSeconds(10);
        private int maxUnconfirmedPerChannel = 256;
        private int publisherChannels = 4;
        private Duration heartbeat = Duration.ofSeconds(30);
        private Duration recoveryInterval = Duration.ofSeconds(2);
        private String connectionName = "chassis";
        private Clock clock = Clock.systemUTC();
        private RabbitConnectionListener listener = new RabbitConnectionListener() { };
        private @Nullable OpenTelemetry openTelemetry;

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.uri = uri;
            b.host = host;
            b.port = port;
            b.username = username;
            b.password = password;
            b.virtualHost = virtualHost;
            b.exchange = exchange;
            b.queueType = queueType;
            b.publishConfirmTimeout = publishConfirmTimeout;
            b.maxUnconfirmedPerChannel = maxUnconfirmedPerChannel;
            b.publisherChannels = publisherChannels;
            b.heartbeat = heartbeat;
            b.recoveryInterval = recoveryInterval;
            b.connectionName = connectionName;
            b.clock = clock;
            b.listener = listener;
            b.openTelemetry = openTelemetry;
            return b;
        }

        /**
         * @param uri e.g. {@code amqp://user:pass@host:5672/vhost}; overrides host, port, user, password and
         *     vhost; an empty vhost ({@code amqp://host:5672/}) means the default vhost {@code /}
         * @return this builder
         * @throws IllegalArgumentException if it is not an {@code amqp://} or {@code amqps://} URI
         */
        public Builder uri(String uri) {
            requireNonNull(uri, "uri");
            try {
                String scheme = new URI(uri).getScheme();
                if (!"amqp".equals(scheme) && !"amqps".equals(scheme)) {
                    throw new IllegalArgumentException("uri: must start with amqp:// or amqps://, was '" + redact(uri) + "'");
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("uri: '" + redact(uri) + "' is not a URI: " + e.getReason(), e);
            }
            this.uri = uri;
            return this;
        }

        /** @param host the broker host, default {@code localhost} @return this builder */
        public Builder host(String host) {
            this.host = nonEmpty(host, "host");
            this.uri = null;
            return this;
        }

        /** @param port the broker port, 1..65535, default 5672 @return this builder */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535, was " + port);
            }
            this.port = port;
            this.uri = null;
            return this;
        }

        /** @param username the user, default {@code guest} @return this builder */
        public Builder username(String username) {
            this.username = nonEmpty(username, "username");
            this.uri = null;
            return this;
        }

        /** @param password the password, default {@code guest} @return this builder */
        public Builder password(String password) {
            this.password = requireNonNull(password, "password");
            this.uri = null;
            return this;
        }

        /** @param virtualHost the virtual host, default {@code /} @return this builder */
        public Builder virtualHost(String virtualHost) {
            this.virtualHost = nonEmpty(virtualHost, "virtualHost");
            this.uri = null;
            return this;
        }

        /** @param exchange the durable topic exchange events are published to, default {@code chassis.events} @return this builder */
        public Builder exchange(String exchange) {
            this.exchange = nonEmpty(exchange, "exchange");
            if (exchange.startsWith("amq.")) {
                throw new IllegalArgumentException("exchange must not start with 'amq.' (reserved by the broker), was '"
                        + exchange + "'");
            }
            return this;
        }

        /** @param queueType classic or quorum queues, default {@link QueueType#CLASSIC} @return this builder */
        public Builder queueType(QueueType queueType) {
            this.queueType = requireNonNull(queueType, "queueType");
            return this;
        }

        /**
         * @param timeout how long a publish waits for its confirm (and at most for room in the confirm
         *     window), 100 ms..10 min, default 10 s
         * @return this builder
         */
        public Builder publishConfirmTimeout(Duration timeout) {
            this.publishConfirmTimeout = range(timeout, Duration.ofMillis(100), Duration.ofMinutes(10), "publishConfirmTimeout");
            return this;
        }

        /** @param max unconfirmed messages per publisher channel, 1..65535, default 256 @return this builder */
        public Builder maxUnconfirmedPerChannel(int max) {
            if (max < 1 || max > 65535) {
                throw new IllegalArgumentException("maxUnconfirmedPerChannel must be 1..65535, was " + max);
            }
            this.maxUnconfirmedPerChannel = max;
            return this;
        }

        /** @param channels publisher channels, 1..64, default 4 @return this builder */
        public Builder publisherChannels(int channels) {
            if (channels < 1 || channels > 64) {
                throw new IllegalArgumentException("publisherChannels must be 1..64, was " + channels);
            }
            this.publisherChannels = channels;
            return this;
        }

        /** @param heartbeat the AMQP heartbeat, 1 s..10 min, default 30 s @return this builder */
        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = range(heartbeat, Duration.ofSeconds(1), Duration.ofMinutes(10), "heartbeat");
            return this;
        }

        /** @param interval the pause between recovery attempts, 100 ms..5 min, default 2 s @return this builder */
        public Builder recoveryInterval(Duration interval) {
            this.recoveryInterval = range(interval, Duration.ofMillis(100), Duration.ofMinutes(5), "recoveryInterval");
            return this;
        }

        /** @param name the name shown in the management UI, suffixed {@code -publish}/{@code -consume}, default {@code chassis} @return this builder */
        public Builder connectionName(String name) {
            this.connectionName = nonEmpty(name, "connectionName");
            return this;
        }

        /** @param clock the clock for dead-letter timestamps, default UTC system clock @return this builder */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /** @param listener told about connection losses, recoveries and restarted consumers @return this builder */
        public Builder connectionListener(RabbitConnectionListener listener) {
            this.listener = requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @param openTelemetry where the {@code publish <topic>} and {@code process <queue>} spans go;
         *     default {@code GlobalOpenTelemetry.getOrNoop()} at each use (a no-op unless one is registered),
         *     {@code OpenTelemetry.noop()} for none
         * @return this builder
         */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * Connects and declares the exchange.
         *
         * @return a running bus
         * @throws IllegalArgumentException naming the setting if the configuration is unusable
         * @throws NonRetryableException if the broker refuses the credentials
         * @throws RetryableException if the broker cannot be reached
         * @throws RabbitTopologyException if the exchange cannot be declared
         */
        public RabbitEventBus build() {
            return new RabbitEventBus(this);
        }

        private static String nonEmpty(String value, String name) {
            requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }

        private static Duration range(Duration value, Duration min, Duration max, String name) {
            requireNonNull(value, name);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + value);
            }
            return value;
        }
    }
}
