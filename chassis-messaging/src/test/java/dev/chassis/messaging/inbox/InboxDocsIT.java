package dev.chassis.messaging.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.messaging.InMemoryEventBus;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the inbox samples of docs/outbox-inbox.md; DocumentationSnippetsTest keeps the two identical. */
class InboxDocsIT {
    private PgSchema schema;

    @BeforeEach
    void setUp() throws Exception {
        schema = new PgSchema();
        schema.exec("create table " + schema.name + ".invoices(order_id text not null)");
    }

    @AfterEach
    void tearDown() throws Exception {
        schema.close();
    }

    @Test
    void usingItSampleHasOneEffectForADuplicatedMessage() throws Exception {
        // given
        DataSource dataSource = schema.dataSource;
        Envelope placed = Envelope.builder().type("order.placed").source("/order-service")
                .data("text/plain", "order-42".getBytes()).build();
        try (InMemoryEventBus bus = InMemoryEventBus.create()) {

            // when
            InboxSchema.create(dataSource);
            Inbox inbox = Inbox.jdbc(TxRunner.of(dataSource), "billing.invoice");
            bus.subscribe(Subscription.builder("billing.invoice")
                    .topic("order.placed")
                    .handler(inbox.handler((delivery, tx) -> {
                        try (var insert = tx.connection().prepareStatement("insert into invoices(order_id) values (?)")) {
                            insert.setString(1, delivery.envelope().dataText());
                            insert.executeUpdate();
                        }
                    }))
                    .build());
            bus.publish("order.placed", placed).toCompletableFuture().join();
            bus.publish("order.placed", placed).toCompletableFuture().join();

            // then
            await().atMost(Duration.ofSeconds(10)).until(() -> inbox.handledCount() + inbox.duplicateCount() == 2);
            assertThat(inbox.duplicateCount()).isEqualTo(1);
        }
        assertThat(schema.count("invoices")).isEqualTo(1);
        assertThat(schema.count("chassis_inbox")).isEqualTo(1);
    }

    @Test
    void retentionSamplePurgesOldRecords() throws Exception {
        // given a record received long ago
        DataSource dataSource = schema.dataSource;
        JdbcInboxStore.of(TxRunner.of(dataSource)).inTransaction(tx -> tx.record("billing.invoice", "m-1",
                java.time.Instant.parse("2020-01-01T00:00:00Z")));

        // when
        InboxPurger purger = InboxPurger.builder(JdbcInboxStore.of(TxRunner.of(dataSource)))
                .retention(Duration.ofDays(7))
                .build();
        purger.start();

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> schema.count("chassis_inbox") == 0);
        purger.close();
    }
}
