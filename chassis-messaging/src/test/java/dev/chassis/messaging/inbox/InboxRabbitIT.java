package dev.chassis.messaging.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.chassis.core.bus.EventHandler;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.messaging.RabbitEventBus;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end on the local RabbitMQ and PostgreSQL: every message fails once after its effect, and
 * the bus's redelivery still ends in exactly one effect.
 */
class InboxRabbitIT {
    private static final String URI = System.getProperty("chassis.rabbit.uri", "amqp://guest:guest@127.0.0.1:5672/%2F");
    private static final String CONSUMER = "billing.invoice";

    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String exchange = "it." + id + ".events";
    private final String queue = "it." + id + ".inbox";
    private PgSchema schema;
    private RabbitEventBus bus;

    @BeforeEach
    void setUp() throws Exception {
        schema = new PgSchema();
        bus = RabbitEventBus.builder().uri(URI).exchange(exchange).connectionName("it-inbox-" + id)
                .publishConfirmTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void tearDown() throws Exception {
        bus.close();
        deleteTopology();
        schema.close();
    }

    @Test
    void everyMessageFailingOnceAfterItsEffectEndsWithOneEffect() throws Exception {
        // given a handler that fails once per message after its effect: even ids inside the transaction
        // (effect and record roll back), odd ids after the commit (as when the ack is lost)
        int messages = 100;
        Inbox inbox = Inbox.jdbc(TxRunner.of(schema.dataSource), CONSUMER);
        Set<String> failedInside = ConcurrentHashMap.newKeySet();
        Set<String> failedAfterCommit = ConcurrentHashMap.newKeySet();
        AtomicInteger delivered = new AtomicInteger();
        EventHandler inner = inbox.handler((delivery, tx) -> {
            Effects.insert(tx.connection(), CONSUMER, delivery);
            String messageId = delivery.envelope().id();
            if (number(messageId) % 2 == 0 && failedInside.add(messageId)) {
                throw new IllegalStateException("failed after the effect, inside the transaction");
            }
        });
        EventHandler handler = delivery -> {
            delivered.incrementAndGet();
            inner.handle(delivery);
            String messageId = delivery.envelope().id();
            if (number(messageId) % 2 == 1 && failedAfterCommit.add(messageId)) {
                throw new IllegalStateException("failed after the commit, before the ack");
            }
        };
        bus.subscribe(Subscription.builder(queue).topic("order.placed").handler(handler).concurrency(4)
                .retry(RetryPolicy.builder().maxAttempts(5).initialDelay(Duration.ofMillis(50)).multiplier(1.0)
                        .maxDelay(Duration.ofMillis(50)).build())
                .build());

        // when
        for (int i = 0; i < messages; i++) {
            bus.publish("order.placed", Effects.envelope(id + "-" + i)).toCompletableFuture().join();
        }

        // then every message was redelivered once and has exactly one effect
        await().atMost(Duration.ofSeconds(30)).until(() -> inbox.handledCount() == messages
                && inbox.duplicateCount() == messages / 2);
        long effects = schema.count("effects");
        long duplicateEffects = schema.duplicateEffects();
        System.out.printf("inbox on RabbitMQ: published=%d delivered=%d effects=%d duplicateEffects=%d "
                + "skippedDuplicates=%d lost=%d%n", messages, delivered.get(), effects, duplicateEffects,
                inbox.duplicateCount(), messages - effects);
        assertThat(delivered).hasValue(2 * messages);
        assertThat(effects).isEqualTo(messages);
        assertThat(duplicateEffects).isZero();
        assertThat(schema.count("chassis_inbox")).isEqualTo(messages);
    }

    private static int number(String messageId) {
        return Integer.parseInt(messageId.substring(messageId.lastIndexOf('-') + 1));
    }

    private void deleteTopology() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(URI);
        try (Connection admin = f.newConnection("it-inbox-admin-" + id)) {
            for (String q : List.of(queue, queue + ".dlq", queue + ".retry.50ms")) {
                try (Channel ch = admin.createChannel()) {
                    ch.queueDelete(q);
                }
            }
            for (String x : List.of(queue + ".dlx", exchange)) {
                try (Channel ch = admin.createChannel()) {
                    ch.exchangeDelete(x);
                }
            }
        }
    }
}
