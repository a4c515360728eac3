package dev.chassis.examples.user;

import java.time.Instant;

/**
 * A user as {@code GET /users/{id}} shows it: a row of the {@code users} read table. Immutable.
 *
 * @param id the user's id
 * @param name the name
 * @param email the e-mail address
 * @param registeredAt when the user registered
 */
record UserView(String id, String name, String email, Instant registeredAt) {
}
