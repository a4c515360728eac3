package dev.chassis.examples.user;

import dev.chassis.core.eventsourcing.AggregateRoot;
import java.time.Instant;

/**
 * A user, as the events of its stream make it. Not thread-safe: create, run one command, save.
 */
final class User extends AggregateRoot {
    private String name = "";
    private String email = "";

    User(String id) {
        super(id);
    }

    /** A new user from a registration that passed validation. */
    static User register(String id, RegisterUser registration, Instant now) {
        User user = new User(id);
        user.apply(new UserCreated(id, registration.name(), registration.email(), now));
        return user;
    }

    String name() {
        return name;
    }

    String email() {
        return email;
    }

    @Override
    protected void when(Object event) {
        if (event instanceof UserCreated created) {
            name = created.name();
            email = created.email();
        } else {
            throw new IllegalArgumentException("unknown user event " + event.getClass().getName());
        }
    }
}
