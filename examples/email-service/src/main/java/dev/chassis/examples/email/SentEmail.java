package dev.chassis.examples.email;

import java.time.Instant;

/**
 * An e-mail the service sent, as {@code GET /emails} shows it. Immutable.
 *
 * @param recipient the address it went to
 * @param subject the subject line
 * @param body the text
 * @param userId the user it welcomed
 * @param messageId the id of the message that caused it
 * @param correlationId the correlation id of that message, to follow the registration end to end
 * @param sentAt when it was sent
 */
record SentEmail(String recipient, String subject, String body, String userId, String messageId,
        String correlationId, Instant sentAt) {
}
