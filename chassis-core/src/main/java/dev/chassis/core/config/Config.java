package dev.chassis.core.config;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.admin.AdminRoute;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The validated configuration of a service: typed values for its declared {@link ConfigKey}s, read
 * once at start-up from system properties and environment variables.
 *
 * <p><b>Precedence</b>, highest first (as in Spring Boot): the system property named like the key
 * ({@code -Dchassis.admin.port=9000}), the environment variable ({@code CHASSIS_ADMIN_PORT=9000}),
 * the key's default. A blank value counts as unset.
 *
 * <p><b>Validation.</b> {@link Builder#build()} checks everything before the service starts and throws
 * one {@link ConfigException} listing every missing required key, every malformed value and every
 * {@code chassis.*} system property or {@code CHASSIS_*} environment variable that no key declares —
 * a misspelt key is an error, with the closest declared key suggested, rather than silently ignored.
 *
 * <p><b>Effective configuration.</b> {@link #describe()}, {@link #toString()} and
 * {@link #adminRoute()} show each key's value and origin with secrets masked.
 *
 * <p>Instances are immutable, thread-safe and intended to be shared.
 *
 * <pre>{@code
 * ConfigKey<Integer> port = ConfigKey.integer("chassis.admin.port", 1, 65535).withDefault(8081);
 * ConfigKey<String> service = ConfigKey.string("chassis.service.name");
 * Config config = Config.builder().declare(port, service).build();
 * log.info("configuration:\n{}", config);
 * int adminPort = config.get(port);
 * }</pre>
 */
public final class Config {
    /** The path of the effective-configuration admin route. */
    public static final String ADMIN_PATH = "/chassis/config";

    private final Map<String, Resolver.Resolved> resolved;

    private Config(Map<String, Resolver.Resolved> resolved) {
        this.resolved = resolved;
    }

    /**
     * A builder reading {@link System#getenv()} and {@link System#getProperties()} unless told otherwise.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The value of a required key or a key with a default.
     *
     * @param key a key declared to this configuration
     * @param <T> the value's type
     * @return the value
     * @throws IllegalArgumentException if the key was not declared to this configuration
     * @throws NoSuchElementException if the key is optional and unset; use {@link #find(ConfigKey)}
     */
    public <T> T get(ConfigKey<T> key) {
        return find(key).orElseThrow(() -> new NoSuchElementException(
                key.name() + " is optional and has no value; read it with find(key)"));
    }

    /**
     * The value of any declared key, empty when an optional key is unset.
     *
     * @param key a key declared to this configuration
     * @param <T> the value's type
     * @return the value, or empty
     * @throws IllegalArgumentException if the key was not declared to this configuration
     */
    public <T> Optional<T> find(ConfigKey<T> key) {
        Resolver.Resolved entry = entry(key);
        return Optional.ofNullable(key.type().cast(entry.value()));
    }

    /**
     * Where the value of a declared key came from.
     *
     * @param key a key declared to this configuration
     * @return the origin, {@link ConfigOrigin#UNSET} for an unset optional key
     * @throws IllegalArgumentException if the key was not declared to this configuration
     */
    public ConfigOrigin origin(ConfigKey<?> key) {
        return entry(key).origin();
    }

    private Resolver.Resolved entry(ConfigKey<?> key) {
        requireNonNull(key, "key");
        Resolver.Resolved entry = resolved.get(key.name());
        if (entry == null || !entry.key().equals(key)) {
            throw new IllegalArgumentException(key.name() + " was not declared to this Config; add it with declare(...)");
        }
        return entry;
    }

    /**
     * The effective configuration: one entry per declared key, in declaration order, with secret
     * values and URI passwords masked.
     *
     * @return an immutable list
     */
    public List<ConfigEntry> describe() {
        var entries = new ArrayList<ConfigEntry>(resolved.size());
        for (Resolver.Resolved entry : resolved.values()) {
            ConfigKey<?> key = entry.key();
            entries.add(new ConfigEntry(key.name(), key.envName(), shown(key, entry.value()), entry.origin(),
                    key.isSecret(), key.description()));
        }
        return List.copyOf(entries);
    }

    /**
     * A route serving the effective configuration as JSON at {@code GET /chassis/config}:
     * {@code {"keys": [{"key", "env", "value", "origin", "secret", "description"}, ...]}}.
     *
     * @return the route, for the admin server
     */
    public AdminRoute adminRoute() {
        List<ConfigEntry> entries = describe();
        return AdminRoute.get(ADMIN_PATH, request -> AdminResponse.json(200, Map.of("keys", entries)));
    }

    /**
     * The effective configuration as a table for logs, one key a line with its environment variable,
     * origin and value; secrets masked, control characters escaped.
     *
     * @return the table
     */
    @Override
    public String toString() {
        List<ConfigEntry> entries = describe();
        String[] header = {"KEY", "ENV", "ORIGIN", "VALUE"};
        var rows = new ArrayList<String[]>();
        rows.add(header);
        for (ConfigEntry entry : entries) {
            rows.add(new String[] {
                entry.key(), entry.env(), entry.origin().name(),
                entry.value() == null ? "(unset)" : Text.printable(entry.value())
            });
        }
        int[] widths = new int[header.length - 1];
        for (String[] row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        var table = new StringBuilder();
        for (String[] row : rows) {
            if (table.length() > 0) {
                table.append(System.lineSeparator());
            }
            for (int i = 0; i < widths.length; i++) {
                table.append(row[i]).append(" ".repeat(widths[i] - row[i].length() + 2));
            }
            table.append(row[widths.length]);
        }
        return table.toString();
    }

    private static <T> @Nullable String shown(ConfigKey<T> key, @Nullable Object value) {
        if (value == null) {
            return null;
        }
        if (key.isSecret()) {
            return ConfigEntry.MASK;
        }
        if (value instanceof URI uri) {
            return withoutPassword(uri);
        }
        return key.valueType().format(key.type().cast(value));
    }

    /** Masks the password of {@code scheme://user:password@host}, which is a secret even if the key is not. */
    private static String withoutPassword(URI uri) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || !userInfo.contains(":")) {
            return uri.toString();
        }
        String text = uri.toString();
        String masked = userInfo.substring(0, userInfo.indexOf(':') + 1) + ConfigEntry.MASK;
        return text.replaceFirst(Pattern.quote(userInfo + "@"), Matcher.quoteReplacement(masked + "@"));
    }

    /**
     * Collects keys and sources for a {@link Config}. Builders are not thread-safe; build once at
     * start-up.
     */
    public static final class Builder {
        private @Nullable Map<String, String> env;
        private @Nullable Map<String, String> properties;
        private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
        private final Map<String, String> envNames = new HashMap<>();
        private final Set<String> allowed = new HashSet<>();

        private Builder() {}

        /**
         * The environment variables to read instead of {@link System#getenv()}, e.g. in tests.
         *
         * @param env variable names and values; copied
         * @return this builder
         */
        public Builder env(Map<String, String> env) {
            this.env = Map.copyOf(requireNonNull(env, "env"));
            return this;
        }

        /**
         * The system properties to read instead of {@link System#getProperties()}, e.g. in tests.
         *
         * @param properties names and values; copied
         * @return this builder
         */
        public Builder systemProperties(Map<String, String> properties) {
            this.properties = Map.copyOf(requireNonNull(properties, "properties"));
            return this;
        }

        /**
         * The system properties to read instead of {@link System#getProperties()}; only string
         * entries are used.
         *
         * @param properties the properties; copied
         * @return this builder
         */
        public Builder systemProperties(Properties properties) {
            requireNonNull(properties, "properties");
            this.properties = snapshot(properties);
            return this;
        }

        /**
         * Declares keys. Every key read through the built {@link Config} must be declared here.
         *
         * @param keys the keys
         * @return this builder
         * @throws IllegalArgumentException if a key's name, or its environment variable name, is
         *     already declared by a different key
         */
        public Builder declare(ConfigKey<?>... keys) {
            requireNonNull(keys, "keys");
            return declare(Arrays.asList(keys));
        }

        /**
         * Declares keys. Every key read through the built {@link Config} must be declared here.
         *
         * @param keys the keys
         * @return this builder
         * @throws IllegalArgumentException if a key's name, or its environment variable name, is
         *     already declared by a different key
         */
        public Builder declare(Collection<? extends ConfigKey<?>> keys) {
            requireNonNull(keys, "keys");
            for (ConfigKey<?> key : keys) {
                requireNonNull(key, "keys must not contain null");
                ConfigKey<?> existing = this.keys.get(key.name());
                if (existing != null && !existing.equals(key)) {
                    throw new IllegalArgumentException(key.name() + " is declared twice with different settings");
                }
                String clash = envNames.get(key.envName());
                if (clash != null && !clash.equals(key.name())) {
                    throw new IllegalArgumentException(key.name() + " and " + clash
                            + " would both be read from environment variable " + key.envName());
                }
                this.keys.put(key.name(), key);
                envNames.put(key.envName(), key.name());
            }
            return this;
        }

        /**
         * Names in the chassis namespace that are not declared here but must not be reported as
         * unknown, e.g. a {@code CHASSIS_BUILD_ID} variable set by a deployment tool. Prefer declaring
         * the keys instead: an allowed name is exempt from the misspelling check. A name counts in both
         * spellings: {@code chassis.build.id} also allows {@code CHASSIS_BUILD_ID}.
         *
         * @param names property or environment variable names
         * @return this builder
         */
        public Builder allowUndeclared(String... names) {
            requireNonNull(names, "names");
            for (String name : names) {
                allowed.add(ConfigKey.envName(requireNonNull(name, "names must not contain null")));
            }
            return this;
        }

        /**
         * Reads and checks every declared key.
         *
         * @return the configuration
         * @throws ConfigException listing every missing, malformed or unknown key
         */
        public Config build() {
            Map<String, String> environment = env != null ? env : System.getenv();
            Map<String, String> props = properties != null ? properties : snapshot(System.getProperties());
            var resolver = new Resolver(environment, props, List.copyOf(keys.values()), Set.copyOf(allowed));
            return new Config(Collections.unmodifiableMap(resolver.resolve()));
        }

        private static Map<String, String> snapshot(Properties properties) {
            var copy = new HashMap<String, String>();
            for (String name : properties.stringPropertyNames()) {
                copy.put(name, properties.getProperty(name));
            }
            return copy;
        }
    }
}
