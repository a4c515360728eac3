package dev.chassis.discovery.client;

import java.util.List;

/**
 * Every instance of the service that could still be tried has an open circuit breaker, so the call
 * was not sent (again). The breakers admit probe calls after their open duration. Instances are
 * immutable once thrown.
 */
public final class AllCircuitsOpenException extends ServiceCallException {
    private static final long serialVersionUID = 1L;

    private final List<String> openInstanceIds;

    AllCircuitsOpenException(String service, List<String> openInstanceIds, List<Attempt> attempts) {
        super(service, attempts, "all instances of service '" + service + "' have open circuit breakers "
                + openInstanceIds + (attempts.isEmpty() ? "; nothing was sent" : "; attempts: " + attempts), null);
        this.openInstanceIds = List.copyOf(openInstanceIds);
    }

    /**
     * The instances whose breakers rejected the call.
     *
     * @return their ids
     */
    public List<String> openInstanceIds() {
        return openInstanceIds;
    }
}
