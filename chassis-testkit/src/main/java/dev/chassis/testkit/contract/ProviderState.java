package dev.chassis.testkit.contract;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A state the provider must be in for an interaction ("user 42 exists"), with optional parameters
 * ({@code id=42}) that the provider's state callback receives.
 *
 * <pre>{@code
 * ProviderState state = ProviderState.of("user exists", Map.of("id", 42));
 * }</pre>
 *
 * @param name the state's name, which the provider's state callback is registered under
 * @param params the parameters: JSON-compatible values (strings, numbers, booleans, maps, lists)
 */
public record ProviderState(String name, Map<String, @Nullable Object> params) {
    /** Checks the name and copies the parameters. */
    public ProviderState {
        requireNonNull(name, "name");
        requireNonNull(params, "params");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /**
     * @param name the state's name
     * @return a state without parameters
     */
    public static ProviderState of(String name) {
        return new ProviderState(name, Map.of());
    }

    /**
     * @param name the state's name
     * @param params its parameters
     * @return the state
     */
    public static ProviderState of(String name, Map<String, ?> params) {
        return new ProviderState(name, new LinkedHashMap<>(params));
    }

    /** @return the name and, if any, the parameters: {@code user exists {id=42}} */
    @Override
    public String toString() {
        return params.isEmpty() ? name : name + " " + params;
    }
}
