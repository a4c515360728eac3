package dev.chassis.examples.user;

import dev.chassis.core.jdbc.TxRunner;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/** Reads the {@code users} table that the projection keeps. Thread-safe. */
final class UserQueries {
    private final TxRunner tx;
    private final UserTables tables;

    UserQueries(TxRunner tx, UserTables tables) {
        this.tx = tx;
        this.tables = tables;
    }

    Optional<UserView> find(String id) {
        return tx.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT name, email, registered_at FROM " + tables.users() + " WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet row = select.executeQuery()) {
                    return row.next()
                            ? Optional.of(new UserView(id, row.getString(1), row.getString(2), row.getTimestamp(3).toInstant()))
                            : Optional.<UserView>empty();
                }
            }
        });
    }
}
