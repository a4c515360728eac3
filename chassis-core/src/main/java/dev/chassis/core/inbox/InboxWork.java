package dev.chassis.core.inbox;

/**
 * Work run by {@link InboxStore#inTransaction} inside one transaction, on the calling thread.
 *
 * @param <T> the result type
 * @param <X> what the work may throw
 */
@FunctionalInterface
public interface InboxWork<T, X extends Exception> {
    /**
     * Does the work.
     *
     * @param transaction the open transaction; valid only during this call
     * @return the result
     * @throws X any failure; the transaction is rolled back
     */
    T apply(InboxTransaction transaction) throws X;
}
