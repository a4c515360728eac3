package dev.chassis.discovery.client;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The last attempt allowed got no response within its timeout (the request's own timeout, or the
 * client's, or the instance's circuit breaker timeout if shorter). Instances are immutable once
 * thrown.
 */
public final class ServiceTimeoutException extends ServiceCallException {
    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    ServiceTimeoutException(String service, Duration timeout, List<Attempt> attempts, String why,
            @Nullable Throwable cause) {
        super(service, attempts, "call to service '" + service + "' timed out after " + timeout + why
                + "; attempts: " + attempts, cause);
        this.timeout = timeout;
    }

    /**
     * The timeout of one attempt.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }
}
