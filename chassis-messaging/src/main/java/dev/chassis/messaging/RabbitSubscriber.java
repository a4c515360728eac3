package dev.chassis.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.chassis.core.NonRetryableException;
import dev.chassis.core.bus.Delivery;
import dev.chassis.core.bus.Headers;
import dev.chassis.core.bus.MessageMetrics;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.SubscriptionHandle;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumers of one subscription: {@code concurrency} channels, each with one consumer and
 * {@code basicQos(prefetch)}. A delivery is acknowledged only after the handler returned, or after its
 * retry or dead-letter copy was confirmed; if that copy cannot be published, the delivery is
 * rejected with requeue so nothing is lost. Channels closed by channel-level errors and consumers
 * cancelled by the broker are restarted by the bus's supervisor thread.
 */
final class RabbitSubscriber implements SubscriptionHandle {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitSubscriber.class);
    static final int MAX_EXCEPTION_MESSAGE = 1000;

    private final RabbitEventBus bus;
    private final Subscription sub;
    private final List<Worker> workers = new ArrayList<>();
    private final Object lock = new Object();
    private int inFlight;
    private boolean paused;
    private boolean closed;

    RabbitSubscriber(RabbitEventBus bus, Subscription sub) {
        this.bus = bus;
        this.sub = sub;
    }

    void start() {
        synchronized (lock) {
            for (int i = 0; i < sub.concurrency(); i++) {
                Worker w = new Worker(i);
                workers.add(w);
                try {
                    w.open();
                } catch (IOException | RuntimeException e) {
                    closeChannels();
                    throw new RabbitTopologyException(sub.queue(), "cannot start consuming from '" + sub.queue() + "': "
                            + RabbitTopology.explain(e instanceof Exception ? (Exception) e : new IOException(e)), e);
                }
            }
        }
    }

    @Override
    public String queue() {
        return sub.queue();
    }

    @Override
    public void pause() {
        synchronized (lock) {
            if (paused || closed) {
                return;
            }
            paused = true;
            for (Worker w : workers) {
                w.cancel();
            }
        }
    }

    @Override
    public void resume() {
        synchronized (lock) {
            if (!paused || closed) {
                return;
            }
            paused = false;
            for (Worker w : workers) {
                w.consume();
            }
        }
    }

    @Override
    public boolean isPaused() {
        synchronized (lock) {
            return paused;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (Worker w : workers) {
                w.cancel();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (inFlight > 0 && deadline - System.nanoTime() > 0) {
                try {
                    lock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            closeChannels();
        }
        bus.unsubscribed(this);
    }

    /** Simulates a crash of this instance's consumers: their channels go away without acks. For tests. */
    void abortChannels() {
        synchronized (lock) {
            closed = true;
            closeChannels();
        }
    }

    /** The channel of one consumer, for tests that provoke channel errors. */
    @Nullable Channel channel(int worker) {
        synchronized (lock) {
            return workers.get(worker).channel;
        }
    }

    private void closeChannels() {
        for (Worker w : workers) {
            w.abort();
        }
    }

    /** Restarts a worker whose channel failed or whose consumer the broker cancelled. */
    private void restart(Worker w, String why) {
        bus.supervise(() -> {
            synchronized (lock) {
                if (closed) {
                    return true;
                }
                try {
                    bus.declareTopology(sub);
                    w.abort();
                    w.open();
                    if (paused) {
                        w.cancel();
                    }
                } catch (RuntimeException | IOException e) {
                    LOG.warn("restarting the consumer of '{}' failed ({}), trying again", sub.queue(), e.toString());
                    return false;
                }
            }
            LOG.info("consumer of '{}' restarted after {}", sub.queue(), why);
            bus.listener().onConsumerRestarted(sub.queue());
            return true;
        });
    }

    private final class Worker {
        private final int index;
        private @Nullable Channel channel;
        private @Nullable String tag;

        Worker(int index) {
            this.index = index;
        }

        void open() throws IOException {
            Channel ch = bus.consumeConnection().createChannel();
            ch.basicQos(sub.prefetch());
            ch.addShutdownListener(cause -> onShutdown(ch, cause));
            channel = ch;
            if (!paused) {
                consume();
            }
        }

        void consume() {
            Channel ch = channel;
            if (ch == null) {
                return;
            }
            try {
                tag = ch.basicConsume(sub.queue(), false, "chassis-" + sub.queue() + "-" + index + "-" + System.nanoTime(),
                        new Handler(ch, this));
            } catch (IOException | AlreadyClosedException e) {
                LOG.warn("consuming from '{}' failed: {}", sub.queue(), e.toString());
            }
        }

        void cancel() {
            Channel ch = channel;
            String t = tag;
            tag = null;
            if (ch != null && t != null && ch.isOpen()) {
                try {
                    ch.basicCancel(t);
                } catch (IOException | AlreadyClosedException e) {
                    LOG.debug("cancel failed", e);
                }
            }
        }

        void abort() {
            Channel ch = channel;
            channel = null;
            tag = null;
            if (ch != null) {
                try {
                    ch.abort();
                } catch (IOException | RuntimeException e) {
                    LOG.debug("abort failed", e);
                }
            }
        }

        private void onShutdown(Channel ch, ShutdownSignalException cause) {
            if (cause.isHardError() || cause.isInitiatedByApplication()) {
                return; // connection loss: the client recovers the channel and its consumer
            }
            synchronized (lock) {
                if (closed || channel != ch) {
                    return;
                }
            }
            String reason = RabbitEventBus.describe(cause);
            LOG.warn("consumer channel of '{}' closed by the broker: {}", sub.queue(), reason);
            bus.listener().onChannelReplaced(sub.queue(), reason);
            restart(this, "channel error: " + reason);
        }

        void onCancelledByBroker(Channel ch) {
            synchronized (lock) {
                if (closed || channel != ch) {
                    return;
                }
                tag = null;
            }
            LOG.warn("the broker cancelled the consumer of '{}' (queue deleted?)", sub.queue());
            bus.listener().onConsumerCancelled(sub.queue());
            restart(this, "cancellation by the broker");
        }
    }

    private final class Handler extends DefaultConsumer {
        private final Worker worker;

        Handler(Channel channel, Worker worker) {
            super(channel);
            this.worker = worker;
        }

        @Override
        public void handleCancel(String consumerTag) {
            worker.onCancelledByBroker(getChannel());
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            synchronized (lock) {
                inFlight++;
            }
            try {
                process(getChannel(), envelope, props, body);
            } finally {
                synchronized (lock) {
                    inFlight--;
                    lock.notifyAll();
                }
            }
        }
    }

    private void process(Channel ch, Envelope amqp, AMQP.BasicProperties props, byte[] body) {
        long tag = amqp.getDeliveryTag();
        Map<String, Object> headers = props.getHeaders() == null ? Map.of() : props.getHeaders();
        int attempt = attempt(headers.get(Headers.ATTEMPT));
        Object topicHeader = headers.get(Headers.TOPIC);
        String topic = topicHeader == null ? amqp.getRoutingKey() : topicHeader.toString();
        dev.chassis.core.envelope.Envelope envelope;
        try {
            envelope = AmqpEnvelopeCodec.decode(props, body);
        } catch (RuntimeException e) {
            LOG.warn("undecodable message {} on '{}' goes to the dead-letter queue: {}", props.getMessageId(), sub.queue(),
                    abbreviate(String.valueOf(e.getMessage())));
            boolean parked = bus.deadLetter(sub.queue(), topic, props, body, e, attempt);
            if (parked) {
                MessageMetrics.undecodable(bus.telemetry(), RabbitEventBus.SYSTEM, sub.queue(), e);
            }
            forward(ch, tag, parked);
            return;
        }
        Delivery delivery = new Delivery(envelope, topic, sub.queue(), attempt, amqp.isRedeliver());
        try {
            bus.invoke(sub.handler(), delivery);
        } catch (VirtualMachineError e) {
            forward(ch, tag, false);
            throw e;
        } catch (Exception | Error e) { // an Error such as AssertionError is a failed delivery, not a dead consumer
            if (e instanceof NonRetryableException || attempt >= sub.retry().maxAttempts()) {
                LOG.warn("message {} on '{}' dead-lettered after attempt {}: {}", envelope.id(), sub.queue(), attempt,
                        abbreviate(e.toString()));
                boolean parked = bus.deadLetter(sub.queue(), topic, props, body, e, attempt);
                if (parked) {
                    MessageMetrics.deadLettered(bus.telemetry(), RabbitEventBus.SYSTEM, sub.queue(), e);
                }
                forward(ch, tag, parked);
            } else {
                Duration delay = sub.retry().delayBefore(attempt + 1);
                LOG.debug("message {} on '{}' failed attempt {}, retrying in {}", envelope.id(), sub.queue(), attempt, delay);
                boolean scheduled = bus.retry(sub.queue(), topic, props, body, attempt + 1, delay);
                if (scheduled) {
                    MessageMetrics.retried(bus.telemetry(), RabbitEventBus.SYSTEM, sub.queue(), e);
                }
                forward(ch, tag, scheduled);
            }
            return;
        }
        ack(ch, tag);
    }

    /** Acks after the copy was confirmed; rejects with requeue if it was not, so nothing is lost. */
    private void forward(Channel ch, long tag, boolean confirmed) {
        if (confirmed) {
            ack(ch, tag);
            return;
        }
        try {
            ch.basicNack(tag, false, true);
        } catch (IOException | AlreadyClosedException e) {
            LOG.debug("nack failed; the broker redelivers the message", e);
        }
    }

    private static void ack(Channel ch, long tag) {
        try {
            ch.basicAck(tag, false);
        } catch (IOException | AlreadyClosedException e) {
            LOG.debug("ack failed; the broker redelivers the message", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    static int attempt(@Nullable Object header) {
        if (header instanceof Number) {
            return Math.max(1, ((Number) header).intValue());
        }
        if (header != null) {
            try {
                return Math.max(1, Integer.parseInt(header.toString()));
            } catch (NumberFormatException e) {
                return 1;
            }
        }
        return 1;
    }

    static Map<String, Object> copy(@Nullable Map<String, Object> headers) {
        return headers == null ? new HashMap<>() : new HashMap<>(headers);
    }
}
