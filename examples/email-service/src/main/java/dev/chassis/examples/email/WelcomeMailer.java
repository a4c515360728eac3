package dev.chassis.examples.email;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.bus.Delivery;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.inbox.InboxTransaction;
import dev.chassis.messaging.inbox.InboxHandler;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Welcomes a new user: composes the e-mail and records it on the inbox's transaction, so that the
 * e-mail and the record of the message commit together and a redelivered message sends nothing. A
 * message without an address cannot succeed on a retry, so it is refused as non-retryable (and
 * dead-lettered). Thread-safe.
 */
final class WelcomeMailer implements InboxHandler {
    private static final Logger log = LoggerFactory.getLogger(WelcomeMailer.class);

    private final Mailbox mailbox;
    private final Clock clock;

    WelcomeMailer(Mailbox mailbox, Clock clock) {
        this.mailbox = mailbox;
        this.clock = clock;
    }

    @Override
    public void handle(Delivery delivery, InboxTransaction tx) throws Exception {
        Envelope envelope = delivery.envelope();
        UserCreated user = envelope.dataAs(UserCreated.class);
        if (user.email() == null || user.email().isBlank() || user.userId() == null) {
            throw new NonRetryableException("user.created " + envelope.id() + " has no user id or e-mail address;"
                    + " the user service must send both");
        }
        String name = user.name() == null || user.name().isBlank() ? "there" : user.name();
        SentEmail email = new SentEmail(user.email(), "Welcome to the shop, " + name + "!",
                "Hello " + name + ",\n\nyour account is ready. Happy shopping!\n", user.userId(), envelope.id(),
                envelope.correlationId().orElse(""), clock.instant());
        mailbox.record(tx.connection(), email);
        log.info("sent welcome e-mail \"{}\" to {} for user {} (message {})", email.subject(), email.recipient(),
                user.userId(), envelope.id());
    }
}
