package dev.chassis.testkit.contract;

import au.com.dius.pact.provider.MessageAndMetadata;
import au.com.dius.pact.provider.PactVerifyProvider;
import au.com.dius.pact.provider.junit5.HttpTestTarget;
import au.com.dius.pact.provider.junit5.MessageTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.State;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import dev.chassis.core.envelope.Envelope;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pact JVM provider verifications of pact files our DSL wrote, run by {@link PactJvmInteropTest}
 * through the JUnit Platform so that the expected failures can be asserted.
 */
public final class PactJvmProviderChecks {
    private PactJvmProviderChecks() {
    }

    /** Verifies ours-http against a provider; subclasses choose what the provider answers. */
    abstract static class HttpCheck {
        static FakeProvider provider;

        static void start(String user) {
            provider = FakeProvider.start().answer("GET /users/42", user);
        }

        @AfterAll
        static void stop() {
            provider.close();
        }

        @BeforeEach
        void target(PactVerificationContext context) {
            context.setTarget(new HttpTestTarget("127.0.0.1", provider.port(), "/"));
        }

        @TestTemplate
        @ExtendWith(PactVerificationInvocationContextProvider.class)
        void verify(PactVerificationContext context) {
            context.verifyInteraction();
        }

        @State("user exists")
        void userExists(Map<String, Object> params) {
            // the fake provider always knows user 42
        }
    }

    @Provider("user-service")
    @PactFolder("target/contract-interop/ours-http")
    static class HonouredHttp extends HttpCheck {
        @BeforeAll
        static void startGood() {
            start(InteropFixtures.GOOD_USER);
        }
    }

    @Provider("user-service")
    @PactFolder("target/contract-interop/ours-http")
    static class BrokenHttp extends HttpCheck {
        @BeforeAll
        static void startBroken() {
            start(InteropFixtures.WRONG_TYPE_USER);
        }
    }

    /**
     * Verifies ours-messages with the producer's envelope. Pact JVM finds the producer method by
     * scanning the package and instantiates its class, so there is one such class; the test chooses
     * the topic the producer publishes to.
     */
    @Provider("user-service")
    @PactFolder("target/contract-interop/ours-messages")
    public static class Messages {
        static volatile String topic = "user.created";

        @BeforeEach
        void target(PactVerificationContext context) {
            context.setTarget(new MessageTestTarget(List.of("dev.chassis.testkit.contract"), getClass().getClassLoader()));
        }

        @TestTemplate
        @ExtendWith(PactVerificationInvocationContextProvider.class)
        void verify(PactVerificationContext context) {
            context.verifyInteraction();
        }

        @State("a user registered")
        void userRegistered() {
            // the producer builds the event without stored state
        }

        /** Pact JVM calls this reflectively, so it must be public. @return the produced event */
        @PactVerifyProvider("a user.created event")
        public MessageAndMetadata userCreated() {
            Envelope envelope = Envelope.builder().type("user.created").source("/user-service")
                    .data(Map.of("userId", "u-7", "email", "grace@example.com")).build();
            ProducedMessage produced = ProducedMessage.of(topic, envelope);
            return new MessageAndMetadata(envelope.data(), Map.copyOf(produced.metadata()));
        }
    }
}
