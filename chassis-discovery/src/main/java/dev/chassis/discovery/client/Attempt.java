package dev.chassis.discovery.client;

import static java.util.Objects.requireNonNull;

import dev.chassis.discovery.balancer.CallOutcome;
import java.time.Duration;

/**
 * One attempt of a {@link ServiceClient} call, as listed by a {@link ServiceCallException}. Immutable.
 *
 * @param instanceId the id of the instance called
 * @param outcome how the attempt ended
 * @param detail what happened, e.g. {@code "HTTP 503"} or {@code "ConnectException: Connection refused"}
 * @param latency how long the attempt took
 */
public record Attempt(String instanceId, CallOutcome outcome, String detail, Duration latency) {
    /** Checks the components. */
    public Attempt {
        requireNonNull(instanceId, "instanceId");
        requireNonNull(outcome, "outcome");
        requireNonNull(detail, "detail");
        requireNonNull(latency, "latency");
    }

    @Override
    public String toString() {
        return instanceId + ": " + outcome + " (" + detail + ") after " + latency.toMillis() + " ms";
    }
}
