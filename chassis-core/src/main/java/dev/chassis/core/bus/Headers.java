package dev.chassis.core.bus;

/**
 * Names of the message headers the chassis writes itself. Both event bus implementations use them,
 * so tools and tests can read them the same way.
 */
public final class Headers {
    /** The delivery attempt about to be made, 1 for the first; written by the chassis, not taken from {@code x-death}. */
    public static final String ATTEMPT = "x-chassis-attempt";
    /** The topic an envelope was published to, kept across retries and dead-lettering. */
    public static final String TOPIC = "x-chassis-topic";
    /** Dead letters: the class of the exception that dead-lettered the message. */
    public static final String EXCEPTION_CLASS = "x-chassis-exception-class";
    /** Dead letters: the exception message, truncated to 1,000 characters. */
    public static final String EXCEPTION_MESSAGE = "x-chassis-exception-message";
    /** Dead letters: deliveries made before dead-lettering. */
    public static final String ATTEMPTS = "x-chassis-attempts";
    /** Dead letters: the subscription queue the message came from. */
    public static final String ORIGINAL_QUEUE = "x-chassis-original-queue";
    /** Dead letters: when it was dead-lettered, ISO-8601. */
    public static final String DEAD_LETTERED_AT = "x-chassis-dead-lettered-at";

    private Headers() {
    }
}
