package dev.chassis.examples.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.RetryableException;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.examples.inventory.Inventory;
import dev.chassis.examples.inventory.Reservation;
import dev.chassis.examples.inventory.StockLine;
import dev.chassis.examples.support.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reservation and its release racing for the same order (different idempotency keys, so the inbox
 * does not order them): the one that commits second finds the other's row, rolls back with a
 * retryable error, and its redelivery acts on that row.
 */
class ParticipantRaceIT {
    private final String schema = "it_race_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final Database database = Database.connect(ShopWorld.DATABASE_URL, "participant-race");
    private final Inventory inventory = Inventory.create(database.dataSource(), schema, Clock.systemUTC());

    @AfterEach
    void drop() throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
        database.close();
    }

    private long waitingOnALock() throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND query LIKE '%" + schema + ".reservations%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aReleaseThatLosesTheRaceToItsReservationIsRetriedAndThenReleasesTheUnits() throws Exception {
        // given a reservation inserted but not yet committed
        inventory.createTables();
        inventory.restock("SKU-X", 5);
        TxRunner tx = TxRunner.of(database.dataSource());
        try (Connection first = database.dataSource().getConnection()) {
            first.setAutoCommit(false);
            inventory.reserve(first, "o-race", List.of(new StockLine("SKU-X", 2)));

            // when the release runs meanwhile (it waits for the reservation's row) and the reservation commits
            CompletableFuture<Reservation> release = CompletableFuture.supplyAsync(
                    () -> tx.inTransaction(c -> inventory.release(c, "o-race")));
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingOnALock() == 1);
            first.commit();

            // then the release fails retryably, and its retry puts the units back
            assertThatThrownBy(() -> release.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RetryableException.class);
        }
        Reservation retried = tx.inTransaction(c -> inventory.release(c, "o-race"));
        assertThat(retried.status()).isEqualTo(Reservation.Status.RELEASED);
        assertThat(inventory.available("SKU-X")).hasValue(5);
    }
}
