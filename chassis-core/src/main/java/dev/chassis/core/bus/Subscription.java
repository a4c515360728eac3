package dev.chassis.core.bus;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What to consume and how: a named durable queue, the topic patterns bound to it, the handler,
 * how many deliveries run at once, how many are fetched ahead, and the retry policy. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * Subscription welcome = Subscription.builder("email-service.welcome")
 *         .topic("user.created")
 *         .handler(delivery -> mailer.sendWelcome(delivery.envelope().dataAs(UserCreated.class)))
 *         .concurrency(4)
 *         .retry(RetryPolicy.builder().maxAttempts(3).build())
 *         .build();
 * }</pre>
 *
 * <p>Queue names are the identity of a subscription across instances: every instance of a service
 * that subscribes with the same queue name shares the queue's messages. Name them
 * {@code <service>.<purpose>}.
 */
public final class Subscription {
    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

    private final String queue;
    private final List<TopicPattern> topics;
    private final EventHandler handler;
    private final int concurrency;
    private final int prefetch;
    private final RetryPolicy retry;

    private Subscription(Builder b) {
        this.queue = b.queue;
        this.topics = List.copyOf(b.topics);
        this.handler = requireNonNull(b.handler, "handler");
        this.concurrency = b.concurrency;
        this.prefetch = b.prefetch;
        this.retry = b.retry;
    }

    /**
     * Starts a subscription on a queue.
     *
     * @param queue 1–200 characters: letters, digits, {@code . _ : -}, not starting with a separator
     * @return a builder with concurrency 1, prefetch 32 and {@link RetryPolicy#ofDefaults()}
     * @throws IllegalArgumentException if the queue name is not allowed
     */
    public static Builder builder(String queue) {
        requireNonNull(queue, "queue");
        if (!QUEUE.matcher(queue).matches()) {
            throw new IllegalArgumentException("queue must be 1-200 letters, digits or . _ : - (not starting with a "
                    + "separator), was '" + queue + "'");
        }
        return new Builder(queue);
    }

    /** @return the queue name */
    public String queue() {
        return queue;
    }

    /** @return the topic patterns bound to the queue, in the order added */
    public List<TopicPattern> topics() {
        return topics;
    }

    /** @return the handler */
    public EventHandler handler() {
        return handler;
    }

    /** @return how many deliveries are handled at once */
    public int concurrency() {
        return concurrency;
    }

    /** @return how many unacknowledged deliveries each consumer may hold */
    public int prefetch() {
        return prefetch;
    }

    /** @return the retry policy */
    public RetryPolicy retry() {
        return retry;
    }

    /**
     * Tells whether a topic reaches this subscription.
     *
     * @param topic a published topic
     * @return whether any of the patterns matches it
     */
    public boolean matches(String topic) {
        for (TopicPattern p : topics) {
            if (p.matches(topic)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Subscription{queue=" + queue + ", topics=" + topics + ", concurrency=" + concurrency
                + ", prefetch=" + prefetch + ", retry=" + retry + "}";
    }

    /** Builds a {@link Subscription}. Not thread-safe; {@link #build()} copies. */
    public static final class Builder {
        private final String queue;
        private final LinkedHashSet<TopicPattern> topics = new LinkedHashSet<>();
        private EventHandler handler;
        private int concurrency = 1;
        private int prefetch = 32;
        private RetryPolicy retry = RetryPolicy.ofDefaults();

        private Builder(String queue) {
            this.queue = queue;
        }

        /**
         * Binds a topic pattern.
         *
         * @param pattern dot-separated words, where {@code *} is exactly one word and {@code #} zero or more
         * @return this builder
         * @throws IllegalArgumentException if the pattern is malformed
         */
        public Builder topic(String pattern) {
            topics.add(TopicPattern.of(pattern));
            return this;
        }

        /**
         * Binds several topic patterns.
         *
         * @param patterns the patterns
         * @return this builder
         */
        public Builder topics(String... patterns) {
            for (String p : patterns) {
                topic(p);
            }
            return this;
        }

        /** @param handler the handler @return this builder */
        public Builder handler(EventHandler handler) {
            this.handler = requireNonNull(handler, "handler");
            return this;
        }

        /** @param concurrency deliveries handled at once, 1..256 @return this builder */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 256) {
                throw new IllegalArgumentException("concurrency must be 1..256, was " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** @param prefetch unacknowledged deliveries per consumer, 1..65535 @return this builder */
        public Builder prefetch(int prefetch) {
            if (prefetch < 1 || prefetch > 65535) {
                throw new IllegalArgumentException("prefetch must be 1..65535, was " + prefetch);
            }
            this.prefetch = prefetch;
            return this;
        }

        /** @param retry the retry policy @return this builder */
        public Builder retry(RetryPolicy retry) {
            this.retry = requireNonNull(retry, "retry");
            return this;
        }

        /**
         * @return the subscription
         * @throws IllegalStateException if no topic or no handler was given
         */
        public Subscription build() {
            List<String> missing = new ArrayList<>();
            if (topics.isEmpty()) {
                missing.add("at least one topic(...)");
            }
            if (handler == null) {
                missing.add("a handler(...)");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("subscription '" + queue + "' needs " + String.join(" and ", missing));
            }
            return new Subscription(this);
        }
    }
}
