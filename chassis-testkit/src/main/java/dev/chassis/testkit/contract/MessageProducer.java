package dev.chassis.testkit.contract;

import java.util.List;

/**
 * Runs the producer's own code that builds an event, for one message of a pact, and returns what it
 * would publish.
 *
 * <pre>{@code
 * MessageProducer userCreated = states -> ProducedMessage.of("user.created", users.register("ada@example.com"));
 * }</pre>
 *
 * <p>Called on the verifying thread, once per message.
 */
@FunctionalInterface
public interface MessageProducer {
    /**
     * @param states the message's provider states, already set up by the verifier's state handlers
     * @return the message the producer's code builds
     * @throws Exception if the code fails; the message is then reported as failed
     */
    ProducedMessage produce(List<ProviderState> states) throws Exception;
}
