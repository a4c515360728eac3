package dev.chassis.core.lifecycle;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.NonRetryableException;
import org.jspecify.annotations.Nullable;

/**
 * A component failed to start; the components started before it have been stopped again. Carries
 * the failing component's name; the cause is the component's own exception. Immutable once thrown.
 */
public final class LifecycleException extends NonRetryableException {
    private static final long serialVersionUID = 1L;

    /** The component that failed. */
    private final String componentName;

    /**
     * @param componentName the component that failed
     * @param message what failed
     * @param cause the component's exception, or {@code null}
     */
    public LifecycleException(String componentName, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.componentName = requireNonNull(componentName, "componentName");
    }

    /**
     * The component that failed to start.
     *
     * @return its name
     */
    public String componentName() {
        return componentName;
    }
}
