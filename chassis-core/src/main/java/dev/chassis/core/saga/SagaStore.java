package dev.chassis.core.saga;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where saga instances are kept between transitions. Saving a state and writing the messages the
 * transition sends happen in one transaction (the PostgreSQL store writes them to the transactional
 * outbox; the in-memory store hands them on after the save). Updates compare revisions, so two
 * orchestrators can never both record a transition of the same saga. Leases let one orchestrator
 * instance drive a saga while others leave it alone. Every implementation runs the testkit's
 * {@code SagaStoreCompatibilityKit}. Implementations are thread-safe.
 */
public interface SagaStore {
    /**
     * Stores a new saga (revision 1) and its first messages.
     *
     * @param instance the new instance
     * @param outgoing messages to send, possibly empty
     * @throws IllegalStateException if a saga with that id exists
     * @throws dev.chassis.core.ChassisException if the store failed (nothing was stored)
     */
    void insert(SagaInstance instance, List<SagaMessage> outgoing);

    /**
     * Stores a transition if nobody else stored one since: the stored revision must be
     * {@code instance.revision() - 1}.
     *
     * @param instance the new state, its revision one higher than the one it was made from
     * @param outgoing messages to send, possibly empty
     * @return true if stored (with the messages), false if the stored revision differs (nothing stored)
     * @throws dev.chassis.core.ChassisException if the store failed (nothing was stored)
     */
    boolean update(SagaInstance instance, List<SagaMessage> outgoing);

    /**
     * Finds a saga.
     *
     * @param id the saga id
     * @return the latest stored state, empty if unknown
     */
    Optional<SagaInstance> find(String id);

    /**
     * Unfinished sagas whose deadline has passed, earliest deadline first: timeouts and retries to run.
     *
     * @param now the current time
     * @param limit at most this many, positive
     * @return the sagas
     */
    List<SagaInstance> due(Instant now, int limit);

    /**
     * Sagas in a state, by id, for recovery and status pages.
     *
     * @param state the state
     * @param afterId return ids after this one ({@code ""} from the start), for paging
     * @param limit at most this many, positive
     * @return the sagas in ascending id order
     */
    List<SagaInstance> inState(SagaState state, String afterId, int limit);

    /**
     * Claims the right to drive a saga until a time: granted if nobody holds it, the holder's lease
     * has expired, or {@code owner} holds it already (then it is extended).
     *
     * @param id the saga id
     * @param owner the orchestrator instance's id
     * @param until when the lease expires unless renewed
     * @return true if granted
     */
    boolean lease(String id, String owner, Instant until);

    /**
     * Gives a lease up early; does nothing unless {@code owner} holds it.
     *
     * @param id the saga id
     * @param owner the orchestrator instance's id
     */
    void release(String id, String owner);
}
