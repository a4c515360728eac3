package dev.chassis.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A message consumer test written with our DSL; run by {@link PactJvmInteropTest} to produce a message pact. */
class OurEventConsumerContract {
    @RegisterExtension
    static final MessageContract contract = MessageContract.builder()
            .consumer("email-service").provider("user-service")
            .pactDirectory(InteropFixtures.OURS_MESSAGES)
            .build();

    private final List<String> welcomed = new CopyOnWriteArrayList<>();

    @Test
    void welcomesANewUser() {
        // given
        contract.deliver("a user.created event", m -> m
                .given("a user registered")
                .topic("user.created")
                .type("user.created")
                .body(Map.of("userId", Matchers.like("u-42"), "email", Matchers.regex(".+@.+", "ada@example.com"))),
                delivery -> welcomed.add(delivery.envelope().dataAs(UserCreated.class).email()));

        // then
        assertThat(welcomed).containsExactly("ada@example.com");
    }

    record UserCreated(String userId, String email) {
    }
}
