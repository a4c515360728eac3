package dev.chassis.discovery.client;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.RetryableException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ServiceClient} call failed: every attempt allowed failed with a connection failure or a
 * timeout (a final 5xx is returned as a response, not thrown). The subclasses say why no attempt, or
 * no further attempt, could be made: {@link NoInstanceAvailableException},
 * {@link AllCircuitsOpenException}, {@link ServiceTimeoutException}. Retryable: a later call may find
 * the service healthy. Instances are immutable once thrown.
 */
public sealed class ServiceCallException extends RetryableException
        permits NoInstanceAvailableException, AllCircuitsOpenException, ServiceTimeoutException {
    private static final long serialVersionUID = 1L;

    private final String service;
    private final List<Attempt> attempts;

    ServiceCallException(String service, List<Attempt> attempts, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.service = requireNonNull(service, "service");
        this.attempts = List.copyOf(attempts);
    }

    /**
     * The service called.
     *
     * @return its name, the host part of the request's URI
     */
    public String service() {
        return service;
    }

    /**
     * The attempts made, in order.
     *
     * @return the attempts, possibly empty (no instance could be called)
     */
    public List<Attempt> attempts() {
        return attempts;
    }
}
