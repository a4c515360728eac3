package dev.chassis.core.lifecycle;

/**
 * The phases of the graceful shutdown sequence, in the order they run. Hooks of one phase run one
 * after another in the order they were added. Immutable.
 */
public enum ShutdownPhase {
    /**
     * Stop being ready: {@code /ready} answers 503, so load balancers and orchestrators stop sending
     * new traffic while everything still works.
     */
    READINESS_DOWN,
    /** Leave the service registry, so clients stop finding this instance. */
    DEREGISTER,
    /** Stop consuming new messages and requests, and let work in progress finish. */
    DRAIN,
    /**
     * Stop the lifecycle's components in reverse start order, then run this phase's hooks: close
     * connections, pools and the admin server.
     */
    CLOSE
}
