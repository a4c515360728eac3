package dev.chassis.core.saga;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.envelope.Envelope;
import java.util.Optional;

/**
 * The envelope extensions that correlate saga commands and replies, and helpers for participants
 * to answer a command. Every command a saga sends carries:
 * <ul>
 *   <li>{@value #SAGA_ID}: the saga id (also the envelope's subject and correlation id);</li>
 *   <li>{@value #SAGA_STEP}: the step name;</li>
 *   <li>{@value #SAGA_PHASE}: {@code "action"} or {@code "compensation"};</li>
 *   <li>{@value #SAGA_KEY}: the idempotency key {@code sagaId:stepName:phase}, the same on every resend,
 *       so a participant records it in its inbox and acts once;</li>
 *   <li>{@value #SAGA_ATTEMPT}: the attempt, from 1.</li>
 * </ul>
 * The envelope id is {@code sagaKey:attempt}, unique per send. A reply must echo the first four;
 * {@link #replyTo} copies them. A reply carrying {@value #SAGA_FAILURE} reports that the participant
 * refused or failed. Stateless.
 *
 * <pre>{@code
 * Envelope reply = SagaEnvelopes.replyTo(command).source("/inventory").type("inventory.reserved").build();
 * }</pre>
 */
public final class SagaEnvelopes {
    /** The extension holding the saga id. */
    public static final String SAGA_ID = "sagaid";
    /** The extension holding the step name. */
    public static final String SAGA_STEP = "sagastep";
    /** The extension holding {@code "action"} or {@code "compensation"}. */
    public static final String SAGA_PHASE = "sagaphase";
    /** The extension holding the idempotency key of the step execution. */
    public static final String SAGA_KEY = "sagakey";
    /** The extension holding the attempt number (an Integer). */
    public static final String SAGA_ATTEMPT = "sagaattempt";
    /** The extension a failure reply carries, holding the reason. */
    public static final String SAGA_FAILURE = "sagafailure";
    /** The phase value of a step's action. */
    public static final String ACTION = "action";
    /** The phase value of a step's compensation. */
    public static final String COMPENSATION = "compensation";

    private SagaEnvelopes() {
    }

    /**
     * The idempotency key of one step execution.
     *
     * @param sagaId the saga id
     * @param step the step name
     * @param phase {@link #ACTION} or {@link #COMPENSATION}
     * @return {@code sagaId:step:phase}
     */
    public static String idempotencyKey(String sagaId, String step, String phase) {
        return requireNonNull(sagaId, "sagaId") + ":" + requireNonNull(step, "step") + ":" + requireNonNull(phase, "phase");
    }

    /**
     * The idempotency key a saga command carries.
     *
     * @param command a command sent by a saga
     * @return the key, empty if the envelope is not a saga command
     */
    public static Optional<String> idempotencyKey(Envelope command) {
        return requireNonNull(command, "command").extension(SAGA_KEY).map(Object::toString);
    }

    /**
     * A reply builder for a successful outcome: correlation extensions, correlation id and subject
     * copied from the command, causation id set to the command's id. Set the source, type and data.
     *
     * @param command the saga command being answered
     * @return a builder
     * @throws IllegalArgumentException if the envelope is not a saga command
     */
    public static Envelope.Builder replyTo(Envelope command) {
        requireNonNull(command, "command");
        Envelope.Builder reply = Envelope.builder().causationId(command.id())
                .correlationId(command.correlationId().orElse(null))
                .subject(command.subject().orElse(null));
        for (String name : new String[] {SAGA_ID, SAGA_STEP, SAGA_PHASE, SAGA_KEY, SAGA_ATTEMPT}) {
            Object value = command.extension(name).orElse(null);
            if (value == null && !SAGA_ATTEMPT.equals(name)) {
                throw new IllegalArgumentException("envelope " + command.id() + " of type " + command.type()
                        + " is not a saga command: it has no '" + name + "' extension");
            }
            reply.extension(name, value);
        }
        return reply;
    }

    /**
     * A reply builder for a failure: like {@link #replyTo} plus the {@value #SAGA_FAILURE} extension.
     *
     * @param command the saga command being answered
     * @param reason why the participant refused or failed, for the saga's history
     * @return a builder
     */
    public static Envelope.Builder failureReplyTo(Envelope command, String reason) {
        requireNonNull(reason, "reason");
        return replyTo(command).extension(SAGA_FAILURE, reason.isEmpty() ? "failed" : reason);
    }

    /**
     * Whether an envelope reports a failure.
     *
     * @param reply a reply
     * @return the reason, empty for a successful reply
     */
    public static Optional<String> failure(Envelope reply) {
        return requireNonNull(reply, "reply").extension(SAGA_FAILURE).map(Object::toString);
    }
}
