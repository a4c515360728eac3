package dev.chassis.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.chassis.core.envelope.Envelope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Test support against the local broker: unique names per test, a raw admin connection, and
 * clean-up of every exchange and queue a test declared.
 */
final class RabbitFixture implements AutoCloseable, AfterEachCallback {
    static final String URI = System.getProperty("chassis.rabbit.uri", "amqp://guest:guest@127.0.0.1:5672/%2F");

    final String id = UUID.randomUUID().toString().substring(0, 8);
    final String exchange = "it." + id + ".events";
    private final Connection admin;
    private final List<RabbitEventBus> buses = new ArrayList<>();
    private final List<String> queues = new ArrayList<>();

    /** Opens the admin connection; register it with {@code @RegisterExtension} to have it closed after each test. */
    RabbitFixture() {
        try {
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(URI);
            admin = f.newConnection("it-admin-" + id);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to RabbitMQ at " + URI + ": " + e, e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        close();
    }

    String queue(String purpose) {
        String q = "it." + id + "." + purpose;
        queues.add(q);
        return q;
    }

    RabbitEventBus bus() {
        return bus(b -> { });
    }

    RabbitEventBus bus(java.util.function.Consumer<RabbitEventBus.Builder> custom) {
        RabbitEventBus.Builder b = RabbitEventBus.builder().uri(URI).exchange(exchange).connectionName("it-" + id)
                .publishConfirmTimeout(Duration.ofSeconds(5)).recoveryInterval(Duration.ofMillis(500));
        custom.accept(b);
        RabbitEventBus bus = b.build();
        buses.add(bus);
        return bus;
    }

    /** A fresh channel on the admin connection; channel errors do not affect other calls. */
    Channel channel() throws Exception {
        return admin.createChannel();
    }

    long messageCount(String queue) throws Exception {
        try (Channel ch = channel()) {
            return ch.queueDeclarePassive(queue).getMessageCount();
        }
    }

    static Envelope envelope(String text) {
        return Envelope.builder().type("it.happened").source("/it").data("text/plain", text.getBytes()).build();
    }

    @Override
    public void close() throws Exception {
        for (RabbitEventBus bus : buses) {
            bus.close();
        }
        for (String q : queues) {
            deleteQueueTopology(q);
        }
        try (Channel ch = channel()) {
            ch.exchangeDelete(exchange);
        } catch (Exception ignored) {
            // already gone
        }
        admin.close();
    }

    /** Deletes a subscription's queue, dead-letter queue and exchange, and its delay queues. */
    void deleteQueueTopology(String q) throws Exception {
        for (String name : List.of(q, q + ".dlq")) {
            try (Channel ch = channel()) {
                ch.queueDelete(name);
            } catch (Exception ignored) {
                // already gone
            }
        }
        try (Channel ch = channel()) {
            ch.exchangeDelete(q + ".dlx");
        } catch (Exception ignored) {
            // already gone
        }
        deleteRetryQueues(q);
    }

    private void deleteRetryQueues(String q) throws Exception {
        for (long ms : new long[] {50, 100, 200, 400, 800, 1000, 1600, 2000, 4000, 8000}) {
            try (Channel ch = channel()) {
                ch.queueDelete(q + ".retry." + ms + "ms");
            } catch (Exception ignored) {
                // not declared by this test
            }
        }
    }
}
