package dev.chassis.core.resilience;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.RetryableException;

/**
 * A call was rejected without being attempted because its {@link Bulkhead} had no free slot within
 * the bulkhead's maximum wait. Instances are immutable once thrown.
 */
public final class BulkheadFullException extends RetryableException {
    private static final long serialVersionUID = 1L;

    private final String bulkheadName;

    /**
     * @param bulkheadName the name of the bulkhead that rejected the call
     */
    public BulkheadFullException(String bulkheadName) {
        super("bulkhead '" + requireNonNull(bulkheadName, "bulkheadName") + "' is full");
        this.bulkheadName = bulkheadName;
    }

    /**
     * The bulkhead that rejected the call.
     *
     * @return its name
     */
    public String bulkheadName() {
        return bulkheadName;
    }
}
