/**
 * The e-mail service: consumes {@code user.created} through the inbox and "sends" a welcome e-mail —
 * recorded in its {@code emails} table in the same transaction as the inbox record, and logged; no
 * real SMTP. {@code GET /emails?to=...} lists what was sent.
 *
 * <pre>{@code
 * DATABASE_URL=postgresql://postgres@127.0.0.1:5432/emails RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672/ \
 *   java -jar email-service.jar
 * }</pre>
 */
@NullMarked
package dev.chassis.examples.email;

import org.jspecify.annotations.NullMarked;
