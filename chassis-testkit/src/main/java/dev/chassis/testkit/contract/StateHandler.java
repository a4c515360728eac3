package dev.chassis.testkit.contract;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Puts the provider into a named state before an interaction is verified, for example by inserting
 * the user the interaction reads. Registered by state name on a verifier.
 *
 * <pre>{@code
 * StateHandler userExists = params -> users.save(new User(((Number) params.get("id")).longValue(), "Ada"));
 * }</pre>
 *
 * <p>Called on the verifying thread, once per interaction and state; implementations need not be
 * thread-safe unless the same handler is shared by verifiers running in parallel.
 */
@FunctionalInterface
public interface StateHandler {
    /**
     * @param params the state's parameters from the pact (empty if none)
     * @throws Exception if the state cannot be set up; the interaction is then reported as failed
     */
    void setUp(Map<String, @Nullable Object> params) throws Exception;
}
