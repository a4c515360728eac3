package dev.chassis.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Proves that the official CloudEvents Java SDK and the chassis read each other's JSON. */
class CloudEventsSdkInteropTest {
    private final EventFormat sdkFormat =
            EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

    @Test
    void sdkReadsWhatTheChassisWritesWithEveryAttributeAndExtension() {
        // given
        Envelope ours = Envelope.builder().id("e-1").type("order.placed").source("/order-service")
                .time(Instant.parse("2026-03-01T10:00:00.123Z")).subject("o-7")
                .dataSchema(URI.create("https://schemas.example.com/order-placed/1"))
                .data("application/json", "{\"orderId\":\"o-7\",\"total\":12.5}".getBytes(StandardCharsets.UTF_8))
                .correlationId("c-1").causationId("m-0")
                .traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").tracestate("vendor=abc")
                .extension("priority", 3).extension("replay", true).build();

        // when
        CloudEvent theirs = sdkFormat.deserialize(CloudEventJson.write(ours));

        // then
        assertThat(theirs.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(theirs.getId()).isEqualTo("e-1");
        assertThat(theirs.getType()).isEqualTo("order.placed");
        assertThat(theirs.getSource()).isEqualTo(URI.create("/order-service"));
        assertThat(theirs.getTime().toInstant()).isEqualTo(Instant.parse("2026-03-01T10:00:00.123Z"));
        assertThat(theirs.getSubject()).isEqualTo("o-7");
        assertThat(theirs.getDataSchema()).isEqualTo(URI.create("https://schemas.example.com/order-placed/1"));
        assertThat(theirs.getDataContentType()).isEqualTo("application/json");
        assertThat(new String(theirs.getData().toBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"orderId\":\"o-7\",\"total\":12.5}");
        assertThat(theirs.getExtensionNames()).containsExactlyInAnyOrder(
                "correlationid", "causationid", "traceparent", "tracestate", "priority", "replay");
        assertThat(theirs.getExtension("correlationid")).isEqualTo("c-1");
        assertThat(theirs.getExtension("causationid")).isEqualTo("m-0");
        assertThat(theirs.getExtension("traceparent")).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(theirs.getExtension("tracestate")).isEqualTo("vendor=abc");
        assertThat(theirs.getExtension("priority")).isEqualTo(3);
        assertThat(theirs.getExtension("replay")).isEqualTo(true);
    }

    @Test
    void chassisReadsWhatTheSdkWritesWithEveryAttributeAndExtension() {
        // given
        CloudEvent theirs = CloudEventBuilder.v1()
                .withId("sdk-1").withType("user.created").withSource(URI.create("urn:user-service"))
                .withTime(OffsetDateTime.of(2026, 3, 1, 12, 0, 0, 250_000_000, ZoneOffset.ofHours(2)))
                .withSubject("u-42")
                .withDataSchema(URI.create("https://schemas.example.com/user-created/2"))
                .withDataContentType("application/json")
                .withData("{\"userId\":\"u-42\",\"tags\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8))
                .withExtension("correlationid", "c-9").withExtension("causationid", "m-8")
                .withExtension("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
                .withExtension("tracestate", "congo=t61rcWkgMzE")
                .withExtension("attempt", 2).withExtension("sampled", false)
                .build();

        // when
        Envelope ours = CloudEventJson.read(sdkFormat.serialize(theirs));

        // then
        assertThat(ours.id()).isEqualTo("sdk-1");
        assertThat(ours.type()).isEqualTo("user.created");
        assertThat(ours.source()).isEqualTo(URI.create("urn:user-service"));
        assertThat(ours.time()).contains(Instant.parse("2026-03-01T10:00:00.25Z"));
        assertThat(ours.subject()).contains("u-42");
        assertThat(ours.dataSchema()).contains(URI.create("https://schemas.example.com/user-created/2"));
        assertThat(ours.dataContentType()).contains("application/json");
        assertThat(ours.dataText()).isEqualTo("{\"userId\":\"u-42\",\"tags\":[\"a\",\"b\"]}");
        assertThat(ours.correlationId()).contains("c-9");
        assertThat(ours.causationId()).contains("m-8");
        assertThat(ours.traceparent()).contains("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
        assertThat(ours.tracestate()).contains("congo=t61rcWkgMzE");
        assertThat(ours.extension("attempt")).contains(2);
        assertThat(ours.extension("sampled")).contains(false);
    }

    @Test
    void binaryPayloadsSurviveBothWays() {
        byte[] payload = {0, 1, (byte) 0xfe, (byte) 0xff};
        CloudEvent theirs = CloudEventBuilder.v1().withId("b").withType("t").withSource(URI.create("/s"))
                .withDataContentType("application/octet-stream").withData(payload).build();

        Envelope ours = CloudEventJson.read(sdkFormat.serialize(theirs));
        CloudEvent back = sdkFormat.deserialize(CloudEventJson.write(ours));

        assertThat(ours.data()).containsExactly(payload);
        assertThat(back.getData().toBytes()).containsExactly(payload);
    }
}
