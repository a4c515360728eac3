package dev.chassis.discovery.balancer;

import static java.util.Objects.requireNonNull;

import dev.chassis.discovery.ServiceInstance;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Chooses which instance of a service serves a call, and learns from each call's outcome. The
 * caller (usually the {@code ServiceClient}) calls {@link #choose(String, List)}, then
 * {@link #onStart(ServiceInstance)} when the call goes out and
 * {@link #onComplete(ServiceInstance, CallOutcome, Duration)} when it ends. Implement this interface
 * to plug in another strategy; the callbacks have no-op defaults.
 *
 * <pre>{@code
 * LoadBalancer balancer = LoadBalancer.roundRobin()
 *         .withOutlierEjection(OutlierEjection.ofDefaults());
 * ServiceInstance chosen = balancer.choose("order-service", registry.healthyInstances("order-service"));
 * }</pre>
 *
 * <p>Implementations must be thread-safe: one balancer serves every caller of a client, for all
 * services. The callbacks run on the calling thread and must not block.
 */
public interface LoadBalancer {
    /**
     * Chooses an instance.
     *
     * @param service the service name
     * @param candidates the instances to choose from, not empty, in a stable order (by id)
     * @return one of the candidates
     */
    ServiceInstance choose(String service, List<ServiceInstance> candidates);

    /**
     * A call to the chosen instance is starting.
     *
     * @param instance the instance
     */
    default void onStart(ServiceInstance instance) {
    }

    /**
     * A call started with {@link #onStart(ServiceInstance)} ended.
     *
     * @param instance the instance
     * @param outcome how it ended
     * @param latency how long it took
     */
    default void onComplete(ServiceInstance instance, CallOutcome outcome, Duration latency) {
    }

    /**
     * This balancer with passive outlier ejection: instances that fail too many calls in a row are
     * left out of the choice for a while. See {@link OutlierEjection}.
     *
     * @param ejection the ejection settings
     * @return a new balancer wrapping this one
     */
    default LoadBalancer withOutlierEjection(OutlierEjection ejection) {
        return new EjectingBalancer(this, requireNonNull(ejection, "ejection"));
    }

    /**
     * Round-robin per service: each service has its own counter, and the n-th call goes to candidate
     * {@code n mod size}. With a stable list every instance gets exactly its share; when the list
     * changes the counter carries on (no reset, no burst on the first instance).
     *
     * @return a new balancer
     */
    static LoadBalancer roundRobin() {
        return new RoundRobinBalancer();
    }

    /**
     * A uniformly random choice, from a thread-local generator.
     *
     * @return a new balancer
     */
    static LoadBalancer random() {
        return new RandomBalancer(null);
    }

    /**
     * A uniformly random choice from the given generator (for tests: a seeded {@code java.util.Random}).
     *
     * @param random the generator; must be thread-safe if the balancer is shared
     * @return a new balancer
     */
    static LoadBalancer random(RandomGenerator random) {
        return new RandomBalancer(requireNonNull(random, "random"));
    }

    /**
     * Power of two choices: picks two candidates at random and takes the one with the lower cost,
     * {@code (in-flight calls + 1) x EWMA latency}. The latency average weighs each new call by 0.2;
     * failures count as at least 1 s, so an instance that fails fast is not preferred; an instance
     * without calls sees its average fade (time constant 10 s), so it is tried again after a while.
     * An instance never measured costs nothing while idle, so new instances are tried at once.
     *
     * @return a new balancer on a thread-local generator and the system clock
     */
    static LoadBalancer powerOfTwoChoices() {
        return new PowerOfTwoChoicesBalancer(null, Clock.systemUTC());
    }

    /**
     * Power of two choices with a given generator and clock (for tests).
     *
     * @param random the generator; must be thread-safe if the balancer is shared
     * @param clock the clock that ages latency averages
     * @return a new balancer
     */
    static LoadBalancer powerOfTwoChoices(RandomGenerator random, Clock clock) {
        return new PowerOfTwoChoicesBalancer(requireNonNull(random, "random"), requireNonNull(clock, "clock"));
    }
}
