package dev.chassis.examples.user;

import java.time.Instant;

/**
 * A user registered: the one event of a user's stream, stored as type {@value #TYPE} and published
 * on the topic of the same name. Immutable.
 *
 * @param userId the new user's id
 * @param name the name as given
 * @param email the e-mail address as given
 * @param registeredAt when the registration was accepted
 */
public record UserCreated(String userId, String name, String email, Instant registeredAt) {
    /** The persisted type name and topic. */
    public static final String TYPE = "user.created";
}
