package dev.chassis.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.chassis.core.bus.PublishException;
import dev.chassis.core.bus.PublishException.Reason;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes with confirms over a small pool of channels. A publishing thread takes a whole channel
 * from the pool, so a channel is never used by two threads at once; each channel allows at most
 * {@code window} unconfirmed messages, and a publisher waits (up to the confirm timeout) for room.
 * Returns ({@code mandatory}) are matched to the pending publish by message id and fail it as
 * unroutable when its confirm arrives. A channel that closes fails its pending publishes and is
 * replaced on next use. Stages are completed on a dedicated thread, never on the connection's.
 */
final class RabbitPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitPublisher.class);

    private final Connection connection;
    private final ArrayBlockingQueue<Slot> slots;
    private final Duration timeout;
    private final int window;
    private final Executor completions;
    private final Consumer<String> channelReplaced;
    private final Map<PublisherChannel, Boolean> live = new ConcurrentHashMap<>();
    private volatile boolean closed;

    RabbitPublisher(Connection connection, int channels, int window, Duration timeout, Executor completions,
            ScheduledExecutorService timer, Consumer<String> channelReplaced) {
        this.connection = connection;
        this.window = window;
        this.timeout = timeout;
        this.completions = completions;
        this.channelReplaced = channelReplaced;
        this.slots = new ArrayBlockingQueue<>(channels);
        for (int i = 0; i < channels; i++) {
            slots.add(new Slot());
        }
        long period = Math.max(10, Math.min(100, timeout.toMillis() / 4));
        timer.scheduleAtFixedRate(this::expire, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Publishes one message; never blocks longer than the confirm timeout, and never for the confirm.
     *
     * @return a stage completed when confirmed and routed, or failed with a {@link PublishException}
     */
    CompletableFuture<Void> publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body,
            String topic, String messageId) {
        if (closed) {
            return failed(Reason.CLOSED, topic, messageId, "the bus is closed", null);
        }
        if (!connection.isOpen()) {
            return failed(Reason.BROKER_UNAVAILABLE, topic, messageId, "not connected, recovery in progress", null);
        }
        Slot slot;
        try {
            slot = slots.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(Reason.TIMED_OUT, topic, messageId, "interrupted while waiting for a publisher channel", e);
        }
        if (slot == null) {
            return failed(Reason.TIMED_OUT, topic, messageId, "every publisher channel stayed busy for " + timeout, null);
        }
        try {
            PublisherChannel pc = slot.channel;
            if (pc == null || pc.dead) {
                if (pc != null) {
                    pc.discard();
                }
                slot.channel = null;
                try {
                    pc = new PublisherChannel(connection.createChannel());
                } catch (IOException | AlreadyClosedException e) {
                    return failed(Reason.BROKER_UNAVAILABLE, topic, messageId, "cannot open a channel: " + e.getMessage(), e);
                }
                slot.channel = pc;
            }
            return pc.publish(exchange, routingKey, props, body, topic, messageId);
        } finally {
            slots.add(slot);
        }
    }

    /** @return how many publishes wait for their confirm, for tests and diagnostics */
    int pending() {
        int n = 0;
        for (PublisherChannel pc : live.keySet()) {
            n += pc.pending.size();
        }
        return n;
    }

    private void expire() {
        long now = System.nanoTime();
        for (PublisherChannel pc : live.keySet()) {
            pc.expire(now);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (PublisherChannel pc : live.keySet()) {
            pc.failAll(Reason.CLOSED, "the bus was closed");
            pc.discard();
        }
    }

    private static CompletableFuture<Void> failed(Reason reason, String topic, String messageId, String detail,
            @Nullable Throwable cause) {
        return CompletableFuture.failedFuture(new PublishException(reason, topic, messageId, detail, cause));
    }

    private static final class Slot {
        @Nullable PublisherChannel channel;
    }

    private static final class Pending {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        final String topic;
        final String messageId;
        final long deadline;
        volatile @Nullable String returned;

        Pending(String topic, String messageId, long deadline) {
            this.topic = topic;
            this.messageId = messageId;
            this.deadline = deadline;
        }
    }

    private final class PublisherChannel {
        final Channel channel;
        final Semaphore room = new Semaphore(window);
        final ConcurrentSkipListMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
        volatile boolean dead;

        PublisherChannel(Channel channel) throws IOException {
            this.channel = channel;
            channel.confirmSelect();
            channel.addConfirmListener((seq, multiple) -> settle(seq, multiple, true),
                    (seq, multiple) -> settle(seq, multiple, false));
            channel.addReturnListener(r -> onReturn(r.getProperties().getMessageId(),
                    r.getReplyCode() + " " + r.getReplyText()));
            channel.addShutdownListener(this::onShutdown);
            live.put(this, Boolean.TRUE);
        }

        CompletableFuture<Void> publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body,
                String topic, String messageId) {
            try {
                if (!room.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    return failed(Reason.TIMED_OUT, topic, messageId,
                            "the confirm window of " + window + " stayed full for " + timeout, null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failed(Reason.TIMED_OUT, topic, messageId, "interrupted while waiting for the confirm window", e);
            }
            if (dead) {
                room.release();
                return failed(Reason.CONNECTION_LOST, topic, messageId, "the channel closed", null);
            }
            long seq = channel.getNextPublishSeqNo();
            Pending p = new Pending(topic, messageId, System.nanoTime() + timeout.toNanos());
            pending.put(seq, p);
            try {
                channel.basicPublish(exchange, routingKey, true, props, body);
            } catch (IOException | AlreadyClosedException e) {
                dead = true;
                if (pending.remove(seq) != null) {
                    room.release();
                    return failed(connection.isOpen() ? Reason.CONNECTION_LOST : Reason.BROKER_UNAVAILABLE,
                            topic, messageId, String.valueOf(e.getMessage()), e);
                }
            }
            if (dead && pending.remove(seq) != null) {
                // the channel closed while this publish was being written: its confirm will never come
                room.release();
                return failed(Reason.CONNECTION_LOST, topic, messageId, "the channel closed", null);
            }
            return p.future;
        }

        private void onReturn(@Nullable String messageId, String reply) {
            if (messageId == null) {
                return;
            }
            for (Pending p : pending.values()) {
                if (p.returned == null && p.messageId.equals(messageId)) {
                    p.returned = reply;
                    return;
                }
            }
        }

        private void settle(long seq, boolean multiple, boolean ack) {
            List<Pending> done = new ArrayList<>();
            if (multiple) {
                ConcurrentNavigableMap<Long, Pending> head = pending.headMap(seq, true);
                for (Map.Entry<Long, Pending> e; (e = head.pollFirstEntry()) != null; ) {
                    done.add(e.getValue());
                }
            } else {
                Pending p = pending.remove(seq);
                if (p != null) {
                    done.add(p);
                }
            }
            if (done.isEmpty()) {
                return;
            }
            room.release(done.size());
            completeOff(() -> {
                for (Pending p : done) {
                    String returned = p.returned;
                    if (!ack) {
                        p.future.completeExceptionally(new PublishException(Reason.NACKED, p.topic, p.messageId,
                                "the broker refused the message", null));
                    } else if (returned != null) {
                        p.future.completeExceptionally(new PublishException(Reason.UNROUTABLE, p.topic, p.messageId,
                                returned, null));
                    } else {
                        p.future.complete(null);
                    }
                }
            });
        }

        private void onShutdown(ShutdownSignalException cause) {
            dead = true;
            String reason = RabbitEventBus.describe(cause);
            failAll(Reason.CONNECTION_LOST, reason);
            if (!cause.isHardError() && !cause.isInitiatedByApplication() && !closed) {
                LOG.warn("publisher channel closed by the broker, replacing it: {}", reason);
                channelReplaced.accept(reason);
            }
        }

        void failAll(Reason reason, String detail) {
            List<Pending> done = new ArrayList<>();
            for (Map.Entry<Long, Pending> e; (e = pending.pollFirstEntry()) != null; ) {
                done.add(e.getValue());
            }
            room.release(done.size());
            completeExceptionally(done, reason, detail);
        }

        void expire(long now) {
            List<Pending> done = new ArrayList<>();
            for (Map.Entry<Long, Pending> e; (e = pending.firstEntry()) != null && now - e.getValue().deadline > 0; ) {
                if (pending.remove(e.getKey()) != null) {
                    done.add(e.getValue());
                }
            }
            room.release(done.size());
            completeExceptionally(done, Reason.TIMED_OUT, "no confirm within " + timeout);
        }

        private void completeExceptionally(List<Pending> done, Reason reason, String detail) {
            if (done.isEmpty()) {
                return;
            }
            completeOff(() -> {
                for (Pending p : done) {
                    p.future.completeExceptionally(new PublishException(reason, p.topic, p.messageId, detail, null));
                }
            });
        }

        void discard() {
            live.remove(this);
            try {
                channel.abort();
            } catch (IOException | RuntimeException e) {
                LOG.debug("aborting a dead publisher channel failed", e);
            }
        }
    }

    /**
     * Completes futures off the connection's thread, so callers' continuations cannot block it; after
     * the bus closed the pool is gone and the last completions run in place, so no caller waits forever.
     */
    private void completeOff(Runnable completion) {
        try {
            completions.execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run();
        }
    }
}
