package dev.chassis.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs the samples of docs/envelope.md; DocumentationSnippetsTest keeps the two identical. */
class EnvelopeDocsTest {
    record UserCreated(String userId, String email) {}

    @Test
    void buildAndReadSample() {
        Envelope created = Envelope.builder()
                .type("user.created")
                .source("/user-service")
                .subject("u-42")
                .data(new UserCreated("u-42", "ada@example.com"))
                .correlationId("c-7f3a")
                .build();
        UserCreated payload = created.dataAs(UserCreated.class);
        Envelope reply = created.withCausationId(created.id());

        assertThat(payload).isEqualTo(new UserCreated("u-42", "ada@example.com"));
        assertThat(reply.causationId()).contains(created.id());
        assertThat(reply.correlationId()).contains("c-7f3a");

        byte[] json = CloudEventJson.write(created);
        Envelope back = CloudEventJson.read(json);

        assertThat(back).isEqualTo(created);
    }
}
