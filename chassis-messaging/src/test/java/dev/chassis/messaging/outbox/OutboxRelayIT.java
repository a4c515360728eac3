package dev.chassis.messaging.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.testkit.time.TestClock;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay against the local PostgreSQL, publishing to the in-memory bus. */
class OutboxRelayIT {
    private final PgFixture pg = new PgFixture();
    private final RecordingBus bus = pg.closeLater(new RecordingBus());

    @AfterEach
    void tearDown() throws Exception {
        pg.close();
    }

    private OutboxRelay relay(String role) {
        return relay(role, b -> { });
    }

    private OutboxRelay relay(String role, java.util.function.Consumer<OutboxRelay.Builder> custom) {
        OutboxRelay.Builder b = OutboxRelay.builder()
                .name("relay-" + role)
                .dataSource(pg.pool(role))
                .schema(pg.schema)
                .eventBus(bus)
                .pollInterval(Duration.ofMillis(200))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .publishTimeout(Duration.ofSeconds(5));
        custom.accept(b);
        return pg.closeLater(b.build());
    }

    @Test
    void publishesCommittedMessagesAndNeverRolledBackOnes() throws Exception {
        // given
        relay("relay").start();
        Outbox outbox = pg.outbox();
        TxRunner tx = TxRunner.of(pg.dataSource);

        // when
        tx.inTransaction(c -> outbox.add(c, "order.placed", "o-1", PgFixture.envelope("committed-1")));
        try {
            tx.inTransaction(c -> {
                outbox.add(c, "order.placed", "o-1", PgFixture.envelope("rolled-back"));
                throw new IllegalStateException("business rule failed");
            });
        } catch (IllegalStateException expected) {
            // rolled back
        }
        tx.inTransaction(c -> outbox.add(c, "order.placed", "o-1", PgFixture.envelope("committed-2")));

        // then
        await().untilAsserted(() -> assertThat(bus.deliveredTexts()).containsExactly("committed-1", "committed-2"));
        assertThat(pg.count("true")).isEqualTo(2);
        await().until(() -> pg.count("sent_at IS NULL") == 0);
    }

    @Test
    void publishesNothingOfAnOpenTransactionUntilItCommits() throws Exception {
        // given
        OutboxRelay relay = relay("relay");
        relay.start();
        Outbox outbox = pg.outbox();

        // when
        try (var open = pg.dataSource.getConnection()) {
            open.setAutoCommit(false);
            outbox.add(open, "order.placed", PgFixture.envelope("open"));
            pg.commit("order.placed", "k", PgFixture.envelope("later"));
            await().untilAsserted(() -> assertThat(bus.deliveredTexts()).containsExactly("later"));
            assertThat(relay.backlog()).isZero();
            open.commit();
        }

        // then
        await().untilAsserted(() -> assertThat(bus.deliveredTexts()).containsExactly("later", "open"));
    }

    @Test
    void storesTheTraceContextTheMessageWasWrittenWith() throws Exception {
        // given
        SpanContext span = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                TraceFlags.getSampled(), TraceState.getDefault());

        // when
        try (Scope s = Span.wrap(span).makeCurrent()) {
            pg.commit("order.placed", "o-1", PgFixture.envelope("traced"));
        }

        // then
        assertThat(pg.count("traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'"
                + " AND sent_at IS NULL AND ordering_key = 'o-1' AND event_type = 'it.happened'")).isEqualTo(1);
        relay("relay").start();
        await().untilAsserted(() -> assertThat(bus.delivered()).hasSize(1));
        assertThat(bus.delivered().get(0).traceparent())
                .contains("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    @Test
    void marksARowSentOnlyAfterThePublishSucceeded() throws Exception {
        // given
        bus.failWhen(e -> true);
        OutboxRelay relay = relay("relay");
        relay.start();

        // when
        pg.commit("order.placed", "o-1", PgFixture.envelope("a"));
        await().until(() -> bus.delivered().isEmpty() && relay.backlog() == 1 && adminBody(relay).contains("BROKER_UNAVAILABLE"));

        // then
        assertThat(pg.count("sent_at IS NULL")).isEqualTo(1);
        bus.heal();
        await().untilAsserted(() -> assertThat(bus.deliveredTexts()).containsExactly("a"));
        await().until(() -> pg.count("sent_at IS NOT NULL") == 1);
    }

    @Test
    void keepsTheOrderPerKeyUnderFailures() throws Exception {
        // given: every third publish attempt of key A fails
        AtomicInteger attempts = new AtomicInteger();
        bus.failWhen(e -> e.dataText().startsWith("A") && attempts.incrementAndGet() % 3 == 0);
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            for (String key : List.of("A", "B")) {
                written.add(key + i);
                pg.commit("order.placed", key, PgFixture.envelope(key + i));
            }
        }

        // when
        relay("relay").start();

        // then
        await().untilAsserted(() -> assertThat(bus.delivered()).hasSize(40));
        for (String key : List.of("A", "B")) {
            assertThat(bus.deliveredTexts().stream().filter(t -> t.startsWith(key)).collect(Collectors.toList()))
                    .containsExactlyElementsOf(written.stream().filter(t -> t.startsWith(key)).collect(Collectors.toList()));
        }
        assertThat(attempts.get()).isGreaterThan(20);
        report("order-per-key", 40);
    }

    @Test
    void cleanupDeletesOnlySentRowsOlderThanTheRetention() throws Exception {
        // given
        TestClock clock = TestClock.at("2026-01-01T10:00:00Z");
        bus.failWhen(e -> e.dataText().equals("unsent"));
        relay("relay", b -> b.clock(clock).retention(Duration.ofHours(1)).cleanupInterval(Duration.ofMinutes(1))
                .cleanupBatchSize(1)).start();
        pg.commit("order.placed", "k", PgFixture.envelope("old-1"));
        pg.commit("order.placed", "k", PgFixture.envelope("old-2"));
        pg.commit("order.placed", "u", PgFixture.envelope("unsent"));
        await().until(() -> pg.count("sent_at IS NOT NULL") == 2);

        // when
        clock.advance(Duration.ofHours(2));
        pg.commit("order.placed", "k", PgFixture.envelope("recent"));

        // then
        await().until(() -> pg.count("true") == 2);
        assertThat(pg.count("sent_at IS NULL")).isEqualTo(1);
        assertThat(pg.count("sent_at IS NOT NULL AND message_id = '" + bus.delivered().get(2).id() + "'")).isEqualTo(1);
        assertThat(bus.deliveredTexts()).containsExactly("old-1", "old-2", "recent");
    }

    private String adminBody(OutboxRelay relay) throws Exception {
        return relay.adminRoutes().get(0).handler()
                .handle(new dev.chassis.core.admin.AdminRequest("GET", "/chassis/outbox", Map.of(), Map.of(), new byte[0]))
                .bodyText();
    }

    /** Prints the Jepsen-style figures of a run and checks that nothing was lost or duplicated. */
    private void report(String name, long committed) {
        Map<String, Long> counts = bus.countsById();
        long published = counts.size();
        long duplicated = counts.values().stream().mapToLong(n -> n - 1).sum();
        long lost = committed - published;
        System.out.printf("[outbox %s] committed=%d published=%d lost=%d duplicated=%d%n", name, committed, published,
                lost, duplicated);
        assertThat(lost).isZero();
        assertThat(duplicated).isZero();
    }

    static Envelope envelope(String text) {
        return PgFixture.envelope(text);
    }
}
