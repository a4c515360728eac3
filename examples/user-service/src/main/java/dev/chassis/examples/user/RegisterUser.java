package dev.chassis.examples.user;

import dev.chassis.examples.support.FieldErrors;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /users}. Immutable.
 *
 * @param name the user's name: not blank, at most {@value #MAX_NAME_LENGTH} characters
 * @param email an e-mail address like {@code ada@example.com}, at most {@value #MAX_EMAIL_LENGTH} characters
 */
record RegisterUser(@Nullable String name, @Nullable String email) {
    static final int MAX_NAME_LENGTH = 100;
    static final int MAX_EMAIL_LENGTH = 254;
    // a pragmatic check, not RFC 5322: one @, no spaces, a dot in the domain
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");

    /**
     * The registration with surrounding spaces removed, once every field is valid.
     *
     * @throws dev.chassis.examples.support.ApiException 400 naming every invalid field
     */
    RegisterUser validated() {
        String n = name == null ? "" : name.strip();
        String e = email == null ? "" : email.strip();
        FieldErrors errors = FieldErrors.create();
        errors.check(!n.isEmpty(), "name", "must not be blank");
        errors.check(n.length() <= MAX_NAME_LENGTH, "name", "must be at most " + MAX_NAME_LENGTH + " characters");
        errors.check(!e.isEmpty(), "email", "must not be blank");
        errors.check(e.length() <= MAX_EMAIL_LENGTH, "email", "must be at most " + MAX_EMAIL_LENGTH + " characters");
        errors.check(EMAIL.matcher(e).matches(), "email", "must be an e-mail address like ada@example.com");
        errors.throwIfAny();
        return new RegisterUser(n, e);
    }
}
