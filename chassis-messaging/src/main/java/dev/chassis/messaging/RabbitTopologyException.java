package dev.chassis.messaging;

import dev.chassis.core.NonRetryableException;
import org.jspecify.annotations.Nullable;

/**
 * The broker refused to declare or verify part of a subscription's topology: an exchange or queue is
 * missing, forbidden to the user, or exists with different arguments. Fixing the broker or the
 * permissions is needed, so retrying the same call does not help. Instances are immutable once thrown.
 */
public final class RabbitTopologyException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    private final String resource;

    /**
     * @param resource the exchange or queue concerned, e.g. {@code email-service.welcome.dlx}
     * @param message what is wrong and what to fix
     * @param cause the client's exception, or {@code null}
     */
    public RabbitTopologyException(String resource, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.resource = resource;
    }

    /** @return the name of the exchange or queue concerned */
    public String resource() {
        return resource;
    }
}
