package dev.chassis.examples.email;

import dev.chassis.core.jdbc.TxRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code emails} table of sent e-mails, in the service's schema. Thread-safe. */
final class Mailbox {
    static final int LIST_LIMIT = 100;

    private final TxRunner tx;
    private final String table;

    Mailbox(TxRunner tx, String schema) {
        this.tx = tx;
        this.table = schema + ".emails";
    }

    void create(String schema) {
        tx.inTransaction(connection -> {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
                ddl.execute("CREATE TABLE IF NOT EXISTS " + table + " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                        + " recipient text NOT NULL, subject text NOT NULL, body text NOT NULL, user_id text NOT NULL,"
                        + " message_id text NOT NULL, correlation_id text NOT NULL, sent_at timestamptz NOT NULL)");
                ddl.execute("CREATE INDEX IF NOT EXISTS emails_recipient ON " + table + " (lower(recipient), id)");
            }
            return null;
        });
    }

    /** Records a sent e-mail on the caller's transaction (the inbox's). */
    void record(Connection connection, SentEmail email) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                + " (recipient, subject, body, user_id, message_id, correlation_id, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, email.recipient());
            insert.setString(2, email.subject());
            insert.setString(3, email.body());
            insert.setString(4, email.userId());
            insert.setString(5, email.messageId());
            insert.setString(6, email.correlationId());
            insert.setTimestamp(7, Timestamp.from(email.sentAt()));
            insert.executeUpdate();
        }
    }

    /** The newest {@value #LIST_LIMIT} e-mails, oldest first; only those to one address when given. */
    List<SentEmail> sent(Optional<String> recipient) {
        return tx.inTransaction(connection -> {
            String where = recipient.isPresent() ? " WHERE lower(recipient) = lower(?)" : "";
            try (PreparedStatement select = connection.prepareStatement("SELECT recipient, subject, body, user_id,"
                    + " message_id, correlation_id, sent_at FROM (SELECT * FROM " + table + where
                    + " ORDER BY id DESC LIMIT " + LIST_LIMIT + ") newest ORDER BY id")) {
                if (recipient.isPresent()) {
                    select.setString(1, recipient.get());
                }
                List<SentEmail> emails = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        emails.add(new SentEmail(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                                rows.getString(5), rows.getString(6), rows.getTimestamp(7).toInstant()));
                    }
                }
                return emails;
            }
        });
    }
}
