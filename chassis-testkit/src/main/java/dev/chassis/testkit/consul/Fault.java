package dev.chassis.testkit.consul;

/** A failure the {@link ConsulSimulator} injects into the requests it receives. */
public enum Fault {
    /** Answer {@code 500 Internal Server Error} without doing anything. */
    ERROR_500,
    /**
     * Hold the request without answering until the fault is healed or the simulator closes; then
     * close the connection without an answer.
     */
    HANG,
    /** Close the connection without an answer, as an agent that crashed mid-request. */
    RESET
}
