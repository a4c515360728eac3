package dev.chassis.messaging.outbox;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code LISTEN} notifications through the PostgreSQL driver's own API. The driver is not a
 * compile dependency of this module (applications bring it), so its {@code PGConnection} is looked
 * up once; without it the relay only polls. Stateless and thread-safe.
 */
final class PgNotifications {
    private static final @Nullable Class<?> PG_CONNECTION = find();
    private static final @Nullable MethodHandle GET_NOTIFICATIONS = handle();

    private PgNotifications() {
    }

    static boolean available() {
        return GET_NOTIFICATIONS != null;
    }

    /**
     * Waits for notifications on a connection that issued {@code LISTEN}.
     *
     * @return how many arrived, 0 after the timeout
     */
    static int await(Connection connection, int timeoutMillis) throws SQLException {
        if (PG_CONNECTION == null || GET_NOTIFICATIONS == null) {
            throw new IllegalStateException("the PostgreSQL driver is not on the class path");
        }
        Object pg = connection.unwrap(PG_CONNECTION);
        try {
            Object[] notifications = (Object[]) GET_NOTIFICATIONS.invoke(pg, Math.max(1, timeoutMillis));
            return notifications == null ? 0 : notifications.length;
        } catch (SQLException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new SQLException("reading notifications failed", "08000", t);
        }
    }

    private static @Nullable Class<?> find() {
        try {
            return Class.forName("org.postgresql.PGConnection", false, PgNotifications.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static @Nullable MethodHandle handle() {
        if (PG_CONNECTION == null) {
            return null;
        }
        try {
            Class<?> notification = Class.forName("org.postgresql.PGNotification", false, PG_CONNECTION.getClassLoader());
            MethodType type = MethodType.methodType(notification.arrayType(), int.class);
            return MethodHandles.publicLookup().findVirtual(PG_CONNECTION, "getNotifications", type)
                    .asType(MethodType.methodType(Object[].class, Object.class, int.class));
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
