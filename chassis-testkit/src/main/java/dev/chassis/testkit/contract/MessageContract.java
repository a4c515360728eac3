package dev.chassis.testkit.contract;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.bus.Delivery;
import dev.chassis.core.bus.EventHandler;
import dev.chassis.core.envelope.Envelope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The consumer side of a message contract, as a JUnit 5 extension: the test declares an event it
 * expects and hands the example envelope to the consumer's real {@link EventHandler}; after a passing
 * test the extension merges the delivered messages into the pact file
 * {@code <pactDirectory>/<consumer>-<provider>.json} (Pact specification V4, asynchronous messages
 * with the exchange, routing key, content type and event type as metadata).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MessageContract contract = MessageContract.builder()
 *         .consumer("email-service").provider("user-service").build();
 *
 * @Test
 * void sendsAWelcomeMail() throws Exception {
 *     contract.deliver("a user.created event", m -> m
 *             .topic("user.created").type("user.created")
 *             .body(Map.of("email", Matchers.regex(".+@.+", "ada@example.com"))), welcomeMailHandler);
 *     assertThat(outbox.sent()).hasSize(1);
 * }
 * }</pre>
 *
 * <p>Register one instance per test class; several classes may run in parallel. Instances are
 * thread-safe.
 */
public final class MessageContract implements BeforeEachCallback, AfterEachCallback {
    private final String consumer;
    private final String provider;
    private final Path pactDirectory;
    private final Object lock = new Object();
    private final List<MessageInteraction> delivered = new ArrayList<>();

    private MessageContract(String consumer, String provider, Path pactDirectory) {
        this.consumer = consumer;
        this.provider = provider;
        this.pactDirectory = pactDirectory;
    }

    /** @return a builder; consumer and provider names are required */
    public static ContractBuilder<MessageContract> builder() {
        return new ContractBuilder<>(MessageContract::new);
    }

    /**
     * Declares the event and hands its example to the handler, as a subscription with the consumer's
     * name as queue would.
     *
     * @param description what the event means to the consumer
     * @param spec the event's topic, type, body and states
     * @param handler the consumer's real handler
     * @return the envelope the handler received
     * @throws AssertionError if the handler throws
     */
    public Envelope deliver(String description, Consumer<MessageInteraction.Builder> spec, EventHandler handler) {
        requireNonNull(spec, "spec");
        MessageInteraction.Builder b = MessageInteraction.builder(description);
        spec.accept(b);
        return deliver(b.build(), handler);
    }

    /**
     * Hands the interaction's example to the handler and records the interaction for the pact file.
     *
     * @param interaction the expected event
     * @param handler the consumer's real handler
     * @return the envelope the handler received
     * @throws AssertionError if the handler throws
     */
    public Envelope deliver(MessageInteraction interaction, EventHandler handler) {
        requireNonNull(interaction, "interaction");
        requireNonNull(handler, "handler");
        Envelope example = interaction.example();
        try {
            handler.handle(new Delivery(example, interaction.topic(), consumer, 1, false));
        } catch (Exception e) {
            throw new AssertionError("the handler of " + consumer + " failed on the message " + interaction + ": "
                    + Reports.exception(e), e);
        }
        synchronized (lock) {
            delivered.add(interaction);
        }
        return example;
    }

    /** @return the pact file this contract writes */
    public Path pactFile() {
        return PactWriter.file(pactDirectory, consumer, provider);
    }

    /** Forgets messages of an earlier test. */
    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (lock) {
            delivered.clear();
        }
    }

    /** Writes the messages the passing test delivered into the pact file. */
    @Override
    public void afterEach(ExtensionContext context) {
        List<MessageInteraction> done;
        synchronized (lock) {
            done = List.copyOf(delivered);
            delivered.clear();
        }
        if (context.getExecutionException().isEmpty() && !done.isEmpty()) {
            PactWriter.merge(pactFile(), consumer, provider, done.stream().map(MessageInteraction::node).toList());
        }
    }
}
