package dev.chassis.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.chassis.core.bus.DeadLetter;
import dev.chassis.core.bus.DeadLetters;
import dev.chassis.core.bus.Headers;
import dev.chassis.core.envelope.Envelope;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Reads and redrives {@code <queue>.dlq}. Every operation uses its own short-lived channel and
 * {@code basicGet} without auto-ack: messages it does not remove are returned to the queue when that
 * channel closes, which puts them back at their original position in classic queues (quorum queues
 * may move them to the back). While an operation runs, the messages it holds are invisible to other
 * readers of the dead-letter queue; operations of one bus are serialized. A queue whose dead-letter
 * queue does not exist has no dead letters.
 */
final class RabbitDeadLetters implements DeadLetters {
    private static final int BATCH = 100;

    private final RabbitEventBus bus;
    private final Object lock = new Object();

    RabbitDeadLetters(RabbitEventBus bus) {
        this.bus = bus;
    }

    @Override
    public long count(String queue) {
        Objects.requireNonNull(queue, "queue");
        return withChannel(queue, 0L, ch -> (long) ch.queueDeclarePassive(RabbitTopology.dlq(queue)).getMessageCount());
    }

    @Override
    public List<DeadLetter> peek(String queue, int limit) {
        Objects.requireNonNull(queue, "queue");
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1..1000, was " + limit);
        }
        return withChannel(queue, List.of(), ch -> {
            List<DeadLetter> letters = new ArrayList<>();
            for (GetResponse r; letters.size() < limit && (r = ch.basicGet(RabbitTopology.dlq(queue), false)) != null; ) {
                letters.add(toDeadLetter(queue, r));
            }
            return letters;
        });
    }

    @Override
    public long redriveAll(String queue) {
        Objects.requireNonNull(queue, "queue");
        return withChannel(queue, 0L, ch -> {
            String dlq = RabbitTopology.dlq(queue);
            long budget = ch.queueDeclarePassive(dlq).getMessageCount();
            long redriven = 0;
            while (budget > 0) {
                List<GetResponse> batch = new ArrayList<>();
                List<CompletableFuture<Void>> confirms = new ArrayList<>();
                for (GetResponse r; batch.size() < BATCH && budget > 0 && (r = ch.basicGet(dlq, false)) != null; budget--) {
                    batch.add(r);
                    confirms.add(redrive(queue, r));
                }
                if (batch.isEmpty()) {
                    break;
                }
                for (int i = 0; i < batch.size(); i++) {
                    long tag = batch.get(i).getEnvelope().getDeliveryTag();
                    if (bus.await(confirms.get(i))) {
                        ch.basicAck(tag, false);
                        redriven++;
                    } else {
                        ch.basicNack(tag, false, true);
                        budget = 0;
                    }
                }
            }
            return redriven;
        });
    }

    @Override
    public boolean redrive(String queue, String messageId) {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(messageId, "messageId");
        return withChannel(queue, false, ch -> {
            String dlq = RabbitTopology.dlq(queue);
            long budget = ch.queueDeclarePassive(dlq).getMessageCount();
            for (GetResponse r; budget-- > 0 && (r = ch.basicGet(dlq, false)) != null; ) {
                if (messageId.equals(r.getProps().getMessageId())) {
                    if (bus.await(redrive(queue, r))) {
                        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
                        return true;
                    }
                    return false;
                }
            }
            return false;
        });
    }

    private CompletableFuture<Void> redrive(String queue, GetResponse r) {
        AMQP.BasicProperties props = r.getProps();
        Map<String, Object> headers = RabbitSubscriber.copy(props.getHeaders());
        String target = headers.containsKey(Headers.ORIGINAL_QUEUE) ? headers.get(Headers.ORIGINAL_QUEUE).toString() : queue;
        headers.remove(Headers.EXCEPTION_CLASS);
        headers.remove(Headers.EXCEPTION_MESSAGE);
        headers.remove(Headers.ATTEMPTS);
        headers.remove(Headers.ORIGINAL_QUEUE);
        headers.remove(Headers.DEAD_LETTERED_AT);
        headers.keySet().removeIf(h -> h.startsWith("x-death") || h.startsWith("x-first-death") || h.startsWith("x-last-death"));
        headers.put(Headers.ATTEMPT, 1);
        Object topic = headers.get(Headers.TOPIC);
        String id = props.getMessageId() == null ? "" : props.getMessageId();
        return bus.publisher().publish("", target, props.builder().headers(headers).build(), r.getBody(),
                topic == null ? "" : topic.toString(), id);
    }

    private DeadLetter toDeadLetter(String queue, GetResponse r) {
        AMQP.BasicProperties props = r.getProps();
        Map<String, Object> h = props.getHeaders() == null ? Map.of() : props.getHeaders();
        Envelope envelope;
        try {
            envelope = AmqpEnvelopeCodec.decode(props, r.getBody());
        } catch (RuntimeException e) {
            envelope = null;
        }
        String exceptionClass = text(h.get(Headers.EXCEPTION_CLASS));
        if (exceptionClass.isEmpty() && h.containsKey("x-first-death-reason")) {
            exceptionClass = "broker:" + h.get("x-first-death-reason");
        }
        int attempts = h.containsKey(Headers.ATTEMPTS) ? RabbitSubscriber.attempt(h.get(Headers.ATTEMPTS))
                : RabbitSubscriber.attempt(h.get(Headers.ATTEMPT));
        return new DeadLetter(
                props.getMessageId() == null ? "" : props.getMessageId(),
                h.containsKey(Headers.ORIGINAL_QUEUE) ? text(h.get(Headers.ORIGINAL_QUEUE)) : queue,
                text(h.get(Headers.TOPIC)),
                envelope,
                r.getBody(),
                props.getContentType() == null ? "" : props.getContentType(),
                exceptionClass,
                text(h.get(Headers.EXCEPTION_MESSAGE)),
                attempts,
                instant(h.get(Headers.DEAD_LETTERED_AT), props));
    }

    private Instant instant(@Nullable Object header, AMQP.BasicProperties props) {
        if (header != null) {
            try {
                return Instant.parse(header.toString());
            } catch (DateTimeParseException e) {
                // fall through to the message timestamp
            }
        }
        return props.getTimestamp() == null ? bus.clock().instant() : props.getTimestamp().toInstant();
    }

    private static String text(@Nullable Object value) {
        return value == null ? "" : value.toString();
    }

    @FunctionalInterface
    private interface Operation<T> {
        T run(Channel channel) throws IOException;
    }

    /** Runs an operation; a queue without a dead-letter queue on the broker has no dead letters. */
    private <T> T withChannel(String queue, T ifNoQueue, Operation<T> op) {
        synchronized (lock) {
            try (Channel ch = bus.consumeConnection().createChannel()) {
                return op.run(ch);
            } catch (IOException | TimeoutException | RuntimeException e) {
                if (e instanceof IllegalArgumentException) {
                    throw (IllegalArgumentException) e;
                }
                String reason = e instanceof Exception ? RabbitTopology.explain(e) : e.toString();
                if (reason.contains("NOT_FOUND")) {
                    return ifNoQueue;
                }
                throw new dev.chassis.core.RetryableException("dead-letter operation on '" + RabbitTopology.dlq(queue)
                        + "' failed: " + reason, e);
            }
        }
    }
}
