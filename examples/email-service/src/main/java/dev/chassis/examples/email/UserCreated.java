package dev.chassis.examples.email;

import org.jspecify.annotations.Nullable;

/**
 * This service's reading of the {@code user.created} message: only the fields it needs, so that it
 * does not depend on the user service's classes and ignores fields added later. Immutable.
 *
 * @param userId the new user's id
 * @param name the user's name
 * @param email the address to welcome
 */
record UserCreated(@Nullable String userId, @Nullable String name, @Nullable String email) {
    /** The topic and type of the message. */
    static final String TYPE = "user.created";
}
