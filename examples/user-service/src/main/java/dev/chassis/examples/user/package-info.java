/**
 * The user service, a CQRS example: {@code POST /users} validates the registration, appends
 * {@code user.created} to the user's stream in the event store and, in the same transaction, to the
 * outbox; a projection keeps the {@code users} table that {@code GET /users/{id}} reads.
 *
 * <pre>{@code
 * DATABASE_URL=postgresql://postgres@127.0.0.1:5432/users RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672/ \
 *   java -jar user-service.jar
 * }</pre>
 */
@NullMarked
package dev.chassis.examples.user;

import org.jspecify.annotations.NullMarked;
