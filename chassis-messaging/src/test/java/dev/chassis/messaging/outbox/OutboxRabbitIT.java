package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.messaging.RabbitEventBus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay publishing through the local RabbitMQ: a row stays unsent while the broker refuses it. */
class OutboxRabbitIT {
    private static final String URI = System.getProperty("chassis.rabbit.uri", "amqp://guest:guest@127.0.0.1:5672/%2F");

    private final PgFixture pg = new PgFixture();
    private final String exchange = "it." + pg.id + ".outbox";
    private final String queue = "it." + pg.id + ".orders";
    private final RabbitEventBus bus = RabbitEventBus.builder().uri(URI).exchange(exchange)
            .connectionName("it-outbox-" + pg.id).publishConfirmTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void tearDown() throws Exception {
        pg.close();
        bus.close();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(URI);
        try (Connection admin = factory.newConnection("it-outbox-admin-" + pg.id)) {
            for (String q : List.of(queue, queue + ".dlq")) {
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

    @Test
    void keepsARowUnsentWhileUnroutableAndPublishesItOnceAQueueIsBound() throws Exception {
        // given
        OutboxRelay relay = pg.closeLater(OutboxRelay.builder().dataSource(pg.pool("relay")).schema(pg.schema)
                .eventBus(bus).pollInterval(Duration.ofMillis(200)).backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .build());
        relay.start();
        pg.commit("order.placed", "o-1", PgFixture.envelope("first"));
        pg.commit("order.placed", "o-1", PgFixture.envelope("second"));
        await().until(() -> relay.adminRoutes().get(0).handler()
                .handle(new dev.chassis.core.admin.AdminRequest("GET", "/chassis/outbox", java.util.Map.of(),
                        java.util.Map.of(), new byte[0])).bodyText().contains("UNROUTABLE"));
        assertThat(pg.count("sent_at IS NULL")).isEqualTo(2);

        // when
        List<Envelope> received = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic("order.#").retry(RetryPolicy.none())
                .handler(d -> received.add(d.envelope())).build());

        // then
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 2);
        assertThat(received.stream().map(Envelope::dataText).distinct().collect(Collectors.toList()))
                .containsExactly("first", "second");
        await().until(() -> pg.count("sent_at IS NULL") == 0);
        System.out.printf("[outbox rabbit-unroutable] committed=2 published=%d lost=%d duplicated=%d%n",
                received.stream().map(Envelope::id).distinct().count(),
                2 - received.stream().map(Envelope::id).distinct().count(),
                received.size() - received.stream().map(Envelope::id).distinct().count());
    }
}
