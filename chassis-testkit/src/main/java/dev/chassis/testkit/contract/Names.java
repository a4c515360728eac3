package dev.chassis.testkit.contract;

import org.jspecify.annotations.Nullable;

/** Checks participant names, which become file names. Stateless. */
final class Names {
    private Names() {
    }

    static String require(@Nullable String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalStateException("set the " + what + " name, for example ." + what + "(\"user-service\")");
        }
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalStateException("the " + what + " name '" + name
                    + "' becomes part of a file name; use letters, digits, '.', '_' and '-' only");
        }
        return name;
    }
}
