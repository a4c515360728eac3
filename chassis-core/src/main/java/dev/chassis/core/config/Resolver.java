package dev.chassis.core.config;

import dev.chassis.core.config.ConfigProblem.Kind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** Resolves declared keys against a snapshot of system properties and environment, collecting every problem. */
final class Resolver {
    static final String PROPERTY_PREFIX = "chassis.";
    static final String ENV_PREFIX = "CHASSIS_";

    /** A resolved key: its typed value (null only when optional and unset) and where it came from. */
    record Resolved(ConfigKey<?> key, @Nullable Object value, ConfigOrigin origin) {}

    private final Map<String, String> env;
    private final Map<String, String> properties;
    private final Collection<ConfigKey<?>> keys;
    private final Set<String> allowedEnvNames;
    private final List<ConfigProblem> problems = new ArrayList<>();

    Resolver(Map<String, String> env, Map<String, String> properties, Collection<ConfigKey<?>> keys,
            Set<String> allowedEnvNames) {
        this.env = env;
        this.properties = properties;
        this.keys = keys;
        this.allowedEnvNames = allowedEnvNames;
    }

    /**
     * Resolves every key in declaration order.
     *
     * @throws ConfigException listing every problem
     */
    Map<String, Resolved> resolve() {
        var resolved = new LinkedHashMap<String, Resolved>();
        for (ConfigKey<?> key : keys) {
            resolved.put(key.name(), resolve(key));
        }
        findUnknown();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return resolved;
    }

    private <T> Resolved resolve(ConfigKey<T> key) {
        ConfigOrigin origin;
        String raw = value(properties.get(key.name()));
        if (raw != null) {
            origin = ConfigOrigin.SYSTEM_PROPERTY;
        } else {
            raw = value(env.get(key.envName()));
            origin = ConfigOrigin.ENV;
        }
        if (raw == null) {
            Optional<T> fallback = key.defaultValue();
            if (fallback.isPresent()) {
                return new Resolved(key, fallback.get(), ConfigOrigin.DEFAULT);
            }
            if (!key.isOptional()) {
                problems.add(new ConfigProblem(key.name(), Kind.MISSING, missing(key)));
            }
            return new Resolved(key, null, ConfigOrigin.UNSET);
        }
        try {
            return new Resolved(key, key.valueType().parse(raw), origin);
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigProblem(key.name(), Kind.MALFORMED, malformed(key, raw, origin, e.getMessage())));
            return new Resolved(key, null, ConfigOrigin.UNSET);
        }
    }

    /** Blank counts as unset, so that {@code CHASSIS_X=} in a compose file means "use the default". */
    private static @Nullable String value(@Nullable String raw) {
        return raw == null || raw.isBlank() ? null : raw;
    }

    private static String missing(ConfigKey<?> key) {
        String where = key.name().equals(key.envName())
                ? "set environment variable or system property " + key.name()
                : "set system property " + key.name() + " or environment variable " + key.envName();
        String to = key.type() == String.class ? "" : " to " + key.format();
        return key.name() + ": missing required value; " + where + to + about(key);
    }

    private static String malformed(ConfigKey<?> key, String raw, ConfigOrigin origin, String expected) {
        String source = origin == ConfigOrigin.SYSTEM_PROPERTY
                ? "system property " + key.name()
                : "environment variable " + key.envName();
        String shown = key.isSecret() ? "malformed secret value (not shown)" : "malformed value '" + Text.printable(raw) + "'";
        return key.name() + ": " + shown + " in " + source + "; expected " + expected + about(key);
    }

    private static String about(ConfigKey<?> key) {
        return key.description().isEmpty() ? "" : " [" + Text.printable(key.description()) + "]";
    }

    private void findUnknown() {
        var propertyNames = new TreeSet<String>();
        var envNames = new TreeSet<String>();
        for (ConfigKey<?> key : keys) {
            propertyNames.add(key.name());
            envNames.add(key.envName());
        }
        for (String name : new TreeSet<>(properties.keySet())) {
            if (name.toLowerCase(Locale.ROOT).startsWith(PROPERTY_PREFIX)
                    || ConfigKey.envName(name).startsWith(ENV_PREFIX)) {
                if (!propertyNames.contains(name) && !allowedEnvNames.contains(ConfigKey.envName(name))) {
                    problems.add(unknown(name, "system property", true));
                }
            }
        }
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.toUpperCase(Locale.ROOT).startsWith(ENV_PREFIX) && !envNames.contains(name)
                    && !allowedEnvNames.contains(ConfigKey.envName(name))) {
                problems.add(unknown(name, "environment variable", false));
            }
        }
    }

    private ConfigProblem unknown(String name, String what, boolean property) {
        String shown = Text.printable(name);
        String normalized = ConfigKey.envName(name);
        Optional<ConfigKey<?>> closest = keys.stream()
                .min(Comparator.comparingInt(key -> Text.distance(normalized, key.envName())));
        String hint;
        if (closest.isPresent() && Text.distance(normalized, closest.get().envName()) <= tolerance(normalized)) {
            ConfigKey<?> key = closest.get();
            hint = "did you mean " + what + " " + (property ? key.name() : key.envName()) + "?";
        } else {
            hint = "no declared key is similar; declared chassis keys are " + chassisKeys(property);
        }
        return new ConfigProblem(shown, Kind.UNKNOWN,
                shown + ": unknown " + what + " in the chassis namespace, not read by any declared key; " + hint
                        + " Rename it or remove it.");
    }

    private static int tolerance(String name) {
        return Math.max(2, name.length() / 4);
    }

    private String chassisKeys(boolean property) {
        var names = new TreeSet<String>();
        for (ConfigKey<?> key : keys) {
            if (key.envName().startsWith(ENV_PREFIX)) {
                names.add(property ? key.name() : key.envName());
            }
        }
        return names.isEmpty() ? "(none)." : String.join(", ", names) + ".";
    }
}
