package dev.chassis.discovery.balancer;

/** How one call to an instance ended, as told to a {@link LoadBalancer}. */
public enum CallOutcome {
    /** A response below 500 arrived (4xx is the caller's problem, not the instance's). */
    SUCCESS,
    /** The instance answered with a 5xx status. */
    SERVER_ERROR,
    /** The connection could not be made, or broke before the response arrived. */
    CONNECTION_FAILURE,
    /** No response arrived within the call's timeout. */
    TIMEOUT,
    /**
     * The caller gave up (interrupted) or failed on its side (e.g. its body handler threw); says
     * nothing about the instance. Balancers only note that the call is no longer in flight.
     */
    CANCELLED;

    /**
     * Tells whether this outcome counts against the instance (for outlier ejection).
     *
     * @return {@code true} for {@link #SERVER_ERROR}, {@link #CONNECTION_FAILURE} and {@link #TIMEOUT}
     */
    public boolean isFailure() {
        return this == SERVER_ERROR || this == CONNECTION_FAILURE || this == TIMEOUT;
    }
}
