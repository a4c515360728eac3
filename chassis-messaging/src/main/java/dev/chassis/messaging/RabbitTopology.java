package dev.chassis.messaging;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.TopicPattern;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Names and declares a subscription's topology:
 * <ul>
 *   <li>{@code <queue>}: durable, {@code x-dead-letter-exchange = <queue>.dlx}, bound to the bus exchange
 *       once per topic pattern;</li>
 *   <li>{@code <queue>.retry.<millis>ms}: one per distinct retry delay, {@code x-message-ttl = millis},
 *       dead-lettering to the default exchange with routing key {@code <queue>};</li>
 *   <li>{@code <queue>.dlx}: durable fanout exchange, bound to the durable {@code <queue>.dlq}.</li>
 * </ul>
 * Every declaration is tried first on a throw-away channel, so a refusal surfaces as a
 * {@link RabbitTopologyException} naming the resource, and then repeated on the long-lived topology
 * channel, where the client records it for recovery.
 */
final class RabbitTopology {
    private RabbitTopology() {
    }

    static String dlx(String queue) {
        return queue + ".dlx";
    }

    static String dlq(String queue) {
        return queue + ".dlq";
    }

    static String retryQueue(String queue, Duration delay) {
        return queue + ".retry." + delay.toMillis() + "ms";
    }

    @FunctionalInterface
    interface Step {
        void run(Channel channel) throws IOException;
    }

    /** Runs one declaration on a fresh channel, turning a refusal into a named error, then on {@code keeper}. */
    static void declare(Connection connection, Channel keeper, String resource, String what, Step step) {
        try (Channel probe = connection.createChannel()) {
            step.run(probe);
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            throw new RabbitTopologyException(resource, "cannot " + what + ": " + explain(e)
                    + ". Check that the user may configure, read and write '" + resource
                    + "' and that no existing exchange or queue of that name has different arguments", e);
        }
        try {
            step.run(keeper);
        } catch (IOException | ShutdownSignalException e) {
            throw new RabbitTopologyException(resource, "cannot " + what + ": " + explain(e), e);
        }
    }

    static void declareExchange(Connection connection, Channel keeper, String exchange) {
        declare(connection, keeper, exchange, "declare the topic exchange '" + exchange + "'",
                ch -> ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true));
    }

    static void declareSubscription(Connection connection, Channel keeper, String exchange, Subscription sub,
            RabbitEventBus.QueueType type) {
        String queue = sub.queue();
        String dlx = dlx(queue);
        String dlq = dlq(queue);
        declare(connection, keeper, dlx, "declare the dead-letter exchange '" + dlx + "'",
                ch -> ch.exchangeDeclare(dlx, BuiltinExchangeType.FANOUT, true));
        declare(connection, keeper, dlx, "verify the dead-letter exchange '" + dlx + "'",
                ch -> ch.exchangeDeclarePassive(dlx));
        declare(connection, keeper, dlq, "declare the dead-letter queue '" + dlq + "'",
                ch -> ch.queueDeclare(dlq, true, false, false, args(type)));
        declare(connection, keeper, dlq, "bind '" + dlq + "' to '" + dlx + "'",
                ch -> ch.queueBind(dlq, dlx, ""));
        Map<String, Object> main = args(type);
        main.put("x-dead-letter-exchange", dlx);
        declare(connection, keeper, queue, "declare the queue '" + queue + "'",
                ch -> ch.queueDeclare(queue, true, false, false, main));
        for (TopicPattern topic : sub.topics()) {
            declare(connection, keeper, queue, "bind '" + queue + "' to '" + exchange + "' for '" + topic + "'",
                    ch -> ch.queueBind(queue, exchange, topic.toString()));
        }
        for (Duration delay : sub.retry().distinctDelays()) {
            String retry = retryQueue(queue, delay);
            Map<String, Object> a = args(type);
            a.put("x-message-ttl", delay.toMillis());
            a.put("x-dead-letter-exchange", "");
            a.put("x-dead-letter-routing-key", queue);
            declare(connection, keeper, retry, "declare the retry queue '" + retry + "'",
                    ch -> ch.queueDeclare(retry, true, false, false, a));
        }
    }

    private static Map<String, Object> args(RabbitEventBus.QueueType type) {
        Map<String, Object> a = new HashMap<>();
        a.put("x-queue-type", type == RabbitEventBus.QueueType.QUORUM ? "quorum" : "classic");
        return a;
    }

    static String explain(Exception e) {
        Throwable t = e;
        while (t != null && !(t instanceof ShutdownSignalException)) {
            t = t.getCause();
        }
        return t == null ? String.valueOf(e.getMessage()) : RabbitEventBus.describe((ShutdownSignalException) t);
    }
}
