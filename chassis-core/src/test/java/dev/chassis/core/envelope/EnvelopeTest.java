package dev.chassis.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.MutableClock;
import dev.chassis.core.NonRetryableException;
import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    record UserCreated(String userId, String email) {}

    @Test
    void builderFillsIdTimeAndSpecVersion() {
        // given
        var clock = MutableClock.startingAt("2026-03-01T10:00:00Z");

        // when
        Envelope e = Envelope.builder(clock).type("user.created").source("/user-service").build();

        // then
        assertThat(e.id()).matches("[0-9a-f-]{36}");
        assertThat(e.time()).contains(Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(e.specVersion()).isEqualTo("1.0");
        assertThat(e.source()).isEqualTo(URI.create("/user-service"));
        assertThat(e.hasData()).isFalse();
    }

    @Test
    void eachBuildGetsAFreshId() {
        var builder = Envelope.builder().type("t").source("/s");

        assertThat(builder.build().id()).isNotEqualTo(builder.build().id());
    }

    @Test
    void dataObjectIsWrittenAsJsonAndReadBack() {
        Envelope e = Envelope.builder().type("user.created").source("/user-service")
                .data(new UserCreated("u-1", "ada@example.com")).build();

        assertThat(e.dataContentType()).contains("application/json");
        assertThat(e.dataText()).isEqualTo("{\"userId\":\"u-1\",\"email\":\"ada@example.com\"}");
        assertThat(e.dataAs(UserCreated.class)).isEqualTo(new UserCreated("u-1", "ada@example.com"));
    }

    @Test
    void withCopiesLeaveTheOriginalUnchanged() {
        // given
        Envelope original = Envelope.builder().type("t").source("/s").correlationId("c-1").build();

        // when
        Envelope copy = original.withCorrelationId("c-2").withCausationId("m-9")
                .withTraceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "k=v")
                .withSubject("u-1").withExtension("tenant", "acme");

        // then
        assertThat(original.correlationId()).contains("c-1");
        assertThat(original.causationId()).isEmpty();
        assertThat(copy.id()).isEqualTo(original.id());
        assertThat(copy.correlationId()).contains("c-2");
        assertThat(copy.causationId()).contains("m-9");
        assertThat(copy.traceparent()).contains("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(copy.tracestate()).contains("k=v");
        assertThat(copy.subject()).contains("u-1");
        assertThat(copy.extension("tenant")).contains("acme");
        assertThat(copy.withCorrelationId(null).correlationId()).isEmpty();
    }

    @Test
    void dataBytesAreCopiedInAndOut() {
        byte[] bytes = {1, 2, 3};
        Envelope e = Envelope.builder().type("t").source("/s").data("application/octet-stream", bytes).build();

        bytes[0] = 9;
        e.data()[1] = 9;

        assertThat(e.data()).containsExactly(1, 2, 3);
    }

    @Test
    void listsEveryMissingRequiredAttribute() {
        assertThatThrownBy(() -> Envelope.builder().build())
                .isInstanceOf(InvalidEnvelopeException.class)
                .isInstanceOf(NonRetryableException.class)
                .satisfies(t -> assertThat(((InvalidEnvelopeException) t).problems())
                        .anyMatch(p -> p.startsWith("source: required"))
                        .anyMatch(p -> p.startsWith("type: required")));
    }

    @Test
    void rejectsEmptyIdAndSubjectAndWrongSpecVersion() {
        assertThatThrownBy(() -> Envelope.builder().id("").type("t").source("/s").subject("").specVersion("0.3").build())
                .isInstanceOf(InvalidEnvelopeException.class)
                .hasMessageContaining("id: must be a non-empty string")
                .hasMessageContaining("subject: must be non-empty")
                .hasMessageContaining("specversion: only 1.0 is supported, was '0.3'");
    }

    @Test
    void rejectsSourceThatIsNoUriReference() {
        assertThatThrownBy(() -> Envelope.builder().type("t").source("not a uri").build())
                .isInstanceOf(InvalidEnvelopeException.class)
                .hasMessageContaining("source: 'not a uri' is not a URI reference");
    }

    @Test
    void rejectsExtensionNamesAgainstTheCloudEventsRules() {
        assertThatThrownBy(() -> Envelope.builder().type("t").source("/s")
                .extension("Tenant", "x")
                .extension("tenant_id", "x")
                .extension("averyveryverylongextensionname", "x")
                .extension("subject", "x")
                .build())
                .isInstanceOf(InvalidEnvelopeException.class)
                .satisfies(t -> assertThat(((InvalidEnvelopeException) t).problems()).containsExactlyInAnyOrder(
                        "extension 'Tenant': names must be 1-20 lower-case ASCII letters or digits",
                        "extension 'tenant_id': names must be 1-20 lower-case ASCII letters or digits",
                        "extension 'averyveryverylongextensionname': names must be 1-20 lower-case ASCII letters or digits",
                        "extension 'subject': is a context attribute name, not an extension"));
    }

    @Test
    void rejectsExtensionValuesOfOtherTypesAndMalformedContentTypes() {
        assertThatThrownBy(() -> Envelope.builder().type("t").source("/s")
                .extension("amount", 1.5).dataContentType("json").build())
                .isInstanceOf(InvalidEnvelopeException.class)
                .hasMessageContaining("extension 'amount': value must be a String, Integer or Boolean, was java.lang.Double")
                .hasMessageContaining("datacontenttype: 'json' is not a media type");
    }

    @Test
    void controlCharactersInBadNamesAreNotEchoed() {
        assertThatThrownBy(() -> Envelope.builder().type("t").source("/s").extension("a\r\nb\u001b[31m", "x").build())
                .isInstanceOf(InvalidEnvelopeException.class)
                .hasMessageNotContaining("\r")
                .hasMessageNotContaining("\u001b")
                .hasMessageContaining("extension 'a??b?[31m'");
    }

    @Test
    void readingDataOfAnEnvelopeWithoutDataIsATypedError() {
        Envelope e = Envelope.builder().type("user.created").source("/s").build();

        assertThatThrownBy(() -> e.dataAs(UserCreated.class))
                .isInstanceOf(InvalidEnvelopeException.class)
                .hasMessageContaining("has no data to read as UserCreated");
    }

    @Test
    void equalEnvelopesAreEqualAndToStringLeavesOutThePayload() {
        Envelope a = Envelope.builder().id("1").type("t").source("/s").time(Instant.EPOCH).data("secret-ish").build();
        Envelope b = a.toBuilder().build();

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toString()).contains("id=1", "type=t").doesNotContain("secret-ish");
        assertThat(a).isNotEqualTo(a.withSubject("x"));
    }
}
