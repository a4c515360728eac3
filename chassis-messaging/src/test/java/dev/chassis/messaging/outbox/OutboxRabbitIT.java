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

/**
 * The relay publishing through the local RabbitMQ: a row stays unsent while the broker refuses it,
 * and is parked after {@code maxAttempts} refusals while other rows flow.
 */
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
            for (String q : List.of(queue, queue + ".dlq", queue + ".audit", queue + ".audit.dlq")) {
                try (Channel ch = admin.createChannel()) {
                    ch.queueDelete(q);
                }
            }
            for (String x : List.of(queue + ".dlx", queue + ".audit.dlx", exchange)) {
                try (Channel ch = admin.createChannel()) {
                    ch.exchangeDelete(x);
                }
            }
        }
    }

    @Test
    void parksAnEventNobodySubscribesToWhileOtherEventsFlowAndDeliversItOnceRequeued() throws Exception {
        // given: a queue for orders only; nothing is bound to "audit.#"
        List<Envelope> received = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic("order.#").retry(RetryPolicy.none())
                .handler(d -> received.add(d.envelope())).build());
        OutboxRelay relay = pg.closeLater(OutboxRelay.builder().dataSource(pg.pool("relay")).schema(pg.schema)
                .eventBus(bus).pollInterval(Duration.ofMillis(200)).backoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .maxAttempts(3).build());
        relay.start();

        // when: the poison event comes first in its key, with events of its own key and another after it
        pg.commit("audit.recorded", "o-1", PgFixture.envelope("poison"));
        pg.commit("order.placed", "o-1", PgFixture.envelope("o-1 after poison"));
        pg.commit("order.placed", "o-2", PgFixture.envelope("o-2 meanwhile"));

        // then
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.parkedCount() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 2);
        assertThat(received.stream().map(Envelope::dataText)).containsExactlyInAnyOrder("o-1 after poison",
                "o-2 meanwhile");
        assertThat(relay.parked(10)).singleElement().satisfies(p -> {
            assertThat(p.record().message().topic()).isEqualTo("audit.recorded");
            assertThat(p.attempts()).isEqualTo(3);
            assertThat(p.lastError()).contains("UNROUTABLE");
        });
        assertThat(pg.count("failed_at IS NOT NULL AND attempts = 3 AND sent_at IS NULL")).isEqualTo(1);
        assertThat(relay.backlog()).isZero();

        // and when a queue is bound to the topic and the row is requeued
        List<Envelope> audited = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue + ".audit").topic("audit.#").retry(RetryPolicy.none())
                .handler(d -> audited.add(d.envelope())).build());
        int requeued = relay.retryParked();

        // then it is delivered
        await().atMost(Duration.ofSeconds(30)).until(() -> !audited.isEmpty());
        assertThat(requeued).isEqualTo(1);
        assertThat(audited).extracting(Envelope::dataText).containsExactly("poison");
        await().until(() -> pg.count("sent_at IS NULL") == 0);
        assertThat(relay.parkedCount()).isZero();
        System.out.printf("[outbox rabbit-poison] committed=3 parked=1 deliveredWhileParked=%d requeued=%d"
                + " deliveredAfterRequeue=%d lost=0%n", received.size(), requeued, audited.size());
    }

    @Test
    void keepsARowUnsentWhileUnroutableAndPublishesItOnceAQueueIsBound() throws Exception {
        // given
        OutboxRelay relay = pg.closeLater(OutboxRelay.builder().dataSource(pg.pool("relay")).schema(pg.schema)
                .eventBus(bus).pollInterval(Duration.ofMillis(200)).backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .maxAttempts(1_000).build());
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
