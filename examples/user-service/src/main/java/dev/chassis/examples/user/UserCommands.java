package dev.chassis.examples.user;

import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.eventsourcing.EventTypes;
import dev.chassis.core.eventsourcing.ExpectedVersion;
import dev.chassis.core.eventsourcing.JdbcEventStore;
import dev.chassis.core.eventsourcing.NewEvent;
import dev.chassis.core.eventsourcing.Repository;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.examples.support.ApiException;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command side: registers a user by reserving the e-mail address and appending
 * {@code user.created} to the user's stream in one transaction; the event store's outbox hook adds
 * the message to the outbox in that same transaction. Thread-safe.
 */
final class UserCommands {
    private static final Logger log = LoggerFactory.getLogger(UserCommands.class);

    private final TxRunner tx;
    private final JdbcEventStore store;
    private final EventTypes types;
    private final UserTables tables;
    private final Clock clock;
    private final Runnable appended;

    UserCommands(TxRunner tx, JdbcEventStore store, EventTypes types, UserTables tables, Clock clock, Runnable appended) {
        this.tx = tx;
        this.store = store;
        this.types = types;
        this.tables = tables;
        this.clock = clock;
        this.appended = appended;
    }

    static String stream(String userId) {
        return "user-" + userId;
    }

    /**
     * Registers a user.
     *
     * @throws ApiException 400 naming invalid fields, 409 when the e-mail address is taken
     */
    UserView register(RegisterUser request) {
        RegisterUser valid = request.validated();
        User user = User.register(UUID.randomUUID().toString(), valid, clock.instant());
        List<NewEvent> events = user.uncommittedEvents().stream().map(e -> types.encode(e, metadata())).toList();
        boolean registered = tx.inTransaction(connection -> {
            try (PreparedStatement reserve = connection.prepareStatement("INSERT INTO " + tables.emails()
                    + " (email, user_id) VALUES (?, ?) ON CONFLICT (email) DO NOTHING")) {
                reserve.setString(1, valid.email().toLowerCase(Locale.ROOT));
                reserve.setString(2, user.id());
                if (reserve.executeUpdate() == 0) {
                    return false;
                }
            }
            store.append(connection, stream(user.id()), ExpectedVersion.noStream(), events);
            return true;
        });
        if (!registered) {
            throw new ApiException(409, "e-mail address is already registered",
                    Map.of("email", "is already registered; use another address"));
        }
        appended.run();
        UserCreated created = (UserCreated) user.uncommittedEvents().get(0);
        log.info("registered user {}", created.userId());
        return new UserView(created.userId(), created.name(), created.email(), created.registeredAt());
    }

    /** The correlation of the request, carried by the event into the outbox message. */
    private static Map<String, String> metadata() {
        Map<String, String> metadata = new HashMap<>();
        CorrelationContext.current().ifPresent(context -> {
            metadata.put(Repository.CORRELATION_ID, context.correlationId());
            context.causationId().ifPresent(causation -> metadata.put(Repository.CAUSATION_ID, causation));
        });
        return metadata;
    }
}
