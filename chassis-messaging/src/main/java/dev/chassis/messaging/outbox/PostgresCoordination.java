package dev.chassis.messaging.outbox;

import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.core.outbox.OutboxRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership through a session-level {@code pg_try_advisory_lock} held on a connection of its own:
 * while that session lives, no other relay of the same table gets the lock; when it ends (the
 * process dies, the connection is cut, the backend is terminated) PostgreSQL releases the lock and
 * a standby relay takes over on its next attempt. The leader reads unsent rows on that same
 * session, so each read is also the check that it still leads, at no extra round trip; the session
 * is set up once to walk the unsent index in order (see {@link JdbcOutboxStore#unsent(int, Set)})
 * and reset before it goes back to the pool. The leader also keeps a second connection that
 * {@code LISTEN}s on the table's channel, read by a thread of its own that only raises a flag and
 * wakes the relay, so the relay learns of a commit without a round trip. The lock connection is used
 * by the relay's worker thread only; {@link #close()} runs after that thread ended.
 */
final class PostgresCoordination implements Coordination {
    /** The first key of every chassis outbox advisory lock; the second is the schema's. */
    static final int LOCK_CLASS = 0x0C4A5515;
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCoordination.class);
    private static final int SLICE_MILLIS = 100;
    /**
     * How often {@link #lead()} checks that the lock's session is alive. The relay calls it after
     * every wake-up; every read of unsent rows runs on that session anyway, so a check per wake-up
     * only added a round trip to each message's path.
     */
    private static final long LEAD_CHECK_NANOS = 1_000_000_000L;

    private final DataSource dataSource;
    private final OutboxSchema schema;
    private final JdbcOutboxStore store;
    private final Waiter waiter = new Waiter();
    private volatile boolean leader;
    private @Nullable Connection lockConnection;
    private volatile @Nullable Listener listener;
    private long lastLeadCheck;

    PostgresCoordination(DataSource dataSource, OutboxSchema schema, JdbcOutboxStore store) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.store = store;
    }

    @Override
    public boolean lead() {
        long now = System.nanoTime();
        if (lockConnection != null && now - lastLeadCheck >= LEAD_CHECK_NANOS) {
            lastLeadCheck = now;
            if (alive(lockConnection)) {
                return leaderListening();
            }
            LOG.warn("outbox relay of {} lost its lock connection; trying to lead again", schema.qualifiedTable());
            dropLock(false);
        }
        if (lockConnection == null) {
            tryLock();
            lastLeadCheck = now;
        }
        return leaderListening();
    }

    private boolean leaderListening() {
        Listener l = listener;
        if (leader && (l == null || !l.isListening()) && PgNotifications.available()) {
            if (l != null) {
                l.stop();
            }
            listen();
        }
        return leader;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A failed read on a session that is still alive is the read's failure (thrown, so the relay
     * backs off); on a dead session it is the end of the leadership (empty).
     */
    @Override
    public Optional<List<OutboxRecord>> readUnsent(int limit, Set<Long> excluding) {
        Connection c = lockConnection;
        if (c == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(store.unsent(c, limit, excluding));
        } catch (SQLException e) {
            if (alive(c)) {
                throw TxRunner.translate("reading unsent rows of " + schema.qualifiedTable() + " failed", e);
            }
            LOG.warn("outbox relay of {} lost its lock connection; stopping until it leads again: {}",
                    schema.qualifiedTable(), e.toString());
            dropLock(false);
            return Optional.empty();
        }
    }

    @Override
    public boolean isLeader() {
        return leader;
    }

    private void tryLock() {
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(true);
            // set before the lock is tried, so that nothing can fail once the lock is held
            try (Statement st = c.createStatement()) {
                st.execute(JdbcOutboxStore.WALK_IN_ORDER);
            }
            boolean got;
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
                ps.setInt(1, LOCK_CLASS);
                ps.setInt(2, schema.lockKey());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    got = rs.getBoolean(1);
                }
            }
            if (got) {
                lockConnection = c;
                leader = true;
                LOG.info("outbox relay of {} is the leader", schema.qualifiedTable());
            } else {
                execQuietly(c, JdbcOutboxStore.WALK_ANY_WAY);
                c.close();
            }
        } catch (SQLException e) {
            LOG.warn("outbox relay of {} could not try the leader lock: {}", schema.qualifiedTable(), e.toString());
            closeQuietly(c);
        }
    }

    private void listen() {
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("LISTEN \"" + schema.channel() + "\"");
            }
            // commits before the LISTEN are not notified: read once more to be sure
            waiter.addWork();
            listener = new Listener(c);
        } catch (SQLException e) {
            LOG.warn("outbox relay of {} could not LISTEN, polling only: {}", schema.qualifiedTable(), e.toString());
            closeQuietly(c);
        }
    }

    @Override
    public void awaitWork(long millis) throws InterruptedException {
        waiter.await(millis);
    }

    @Override
    public boolean workArrived() {
        boolean notified = waiter.takeWork();
        Listener l = listener;
        return notified || l == null || !l.isListening();
    }

    @Override
    public void wakeUp() {
        waiter.wake();
    }

    @Override
    public void close() {
        waiter.wake();
        stopListening();
        dropLock(true);
    }

    private void stopListening() {
        Listener l = listener;
        listener = null;
        if (l != null) {
            l.stop();
        }
    }

    private void dropLock(boolean unlock) {
        Connection c = lockConnection;
        lockConnection = null;
        leader = false;
        stopListening();
        if (c != null) {
            if (unlock) {
                // a pool would hand the session on still holding the lock, and with its setting
                execQuietly(c, JdbcOutboxStore.WALK_ANY_WAY);
                execQuietly(c, "SELECT pg_advisory_unlock(" + LOCK_CLASS + ", " + schema.lockKey() + ")");
            }
            closeQuietly(c);
        }
    }

    private static boolean alive(Connection c) {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void execQuietly(Connection c, String sql) {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException ignored) {
            // the connection is broken; closing it ends the session and its lock
        }
    }

    private static void closeQuietly(@Nullable Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing more to release
            }
        }
    }

    /**
     * Waits for notifications on the {@code LISTEN} connection on its own daemon thread. On a
     * failure it closes the connection and stops; {@link #lead()} starts a new one. The connection
     * is used by this thread only, which also {@code UNLISTEN}s and closes it.
     */
    private final class Listener implements Runnable {
        private final Connection connection;
        private final Thread thread;
        private volatile boolean running = true;

        Listener(Connection connection) {
            this.connection = connection;
            this.thread = new Thread(this, "chassis-outbox-listen-" + schema.qualifiedTable());
            thread.setDaemon(true);
            thread.start();
        }

        boolean isListening() {
            return running;
        }

        @Override
        public void run() {
            try {
                while (running) {
                    if (PgNotifications.await(connection, SLICE_MILLIS) > 0) {
                        waiter.addWork();
                    }
                }
                // a pool would hand the session on still listening
                execQuietly(connection, "UNLISTEN *");
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.warn("outbox relay of {} lost its LISTEN connection, polling until it listens again: {}",
                            schema.qualifiedTable(), e.toString());
                }
                running = false;
                // the relay reads, as it cannot know what it missed
                waiter.addWork();
            } finally {
                closeQuietly(connection);
            }
        }

        /** Ends the thread within one wait slice. */
        void stop() {
            running = false;
            if (thread != Thread.currentThread()) {
                try {
                    thread.join(SLICE_MILLIS * 10L);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
