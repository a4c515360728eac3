package dev.chassis.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CloudEventJsonTest {
    record OrderPlaced(String orderId, int lines) {}

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writesEveryAttributeAndEmbedsJsonData() {
        // given
        Envelope e = Envelope.builder().id("e-1").type("order.placed").source("/order-service")
                .time(Instant.parse("2026-03-01T10:00:00.5Z")).subject("o-7")
                .dataSchema(URI.create("https://schemas.example.com/order-placed/1"))
                .data(new OrderPlaced("o-7", 2)).correlationId("c-1").causationId("m-0")
                .extension("priority", 3).extension("replay", false).build();

        // when
        String json = new String(CloudEventJson.write(e), StandardCharsets.UTF_8);

        // then
        assertThat(json).isEqualTo("{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/order-service\","
                + "\"type\":\"order.placed\",\"time\":\"2026-03-01T10:00:00.500Z\",\"subject\":\"o-7\","
                + "\"datacontenttype\":\"application/json\","
                + "\"dataschema\":\"https://schemas.example.com/order-placed/1\","
                + "\"causationid\":\"m-0\",\"correlationid\":\"c-1\",\"priority\":3,\"replay\":false,"
                + "\"data\":{\"orderId\":\"o-7\",\"lines\":2}}");
        assertThat(CloudEventJson.read(utf8(json))).isEqualTo(e);
    }

    @Test
    void roundTripsTextAndBinaryPayloads() {
        Envelope text = Envelope.builder().type("t").source("/s").data("text/plain", utf8("héllo")).build();
        Envelope binary = Envelope.builder().type("t").source("/s").data("application/avro", new byte[] {0, -1, 7}).build();

        assertThat(new String(CloudEventJson.write(text), StandardCharsets.UTF_8)).contains("\"data\":\"héllo\"");
        assertThat(new String(CloudEventJson.write(binary), StandardCharsets.UTF_8)).contains("\"data_base64\":\"AP8H\"");
        assertThat(CloudEventJson.read(CloudEventJson.write(text))).isEqualTo(text);
        assertThat(CloudEventJson.read(CloudEventJson.write(binary))).isEqualTo(binary);
    }

    @Test
    void readsEventsWithoutOptionalAttributes() {
        Envelope e = CloudEventJson.read(utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"urn:x\",\"type\":\"t\"}"));

        assertThat(e.time()).isEmpty();
        assertThat(e.hasData()).isFalse();
        assertThat(e.dataContentType()).isEmpty();
        assertThat(e.extensions()).isEmpty();
    }

    @Test
    void dataWithoutContentTypeIsJsonAndKeepsTheAttributeAbsent() {
        Envelope e = CloudEventJson.read(utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"data\":{\"orderId\":\"o\",\"lines\":1}}"));

        assertThat(e.dataContentType()).isEmpty();
        assertThat(e.dataAs(OrderPlaced.class)).isEqualTo(new OrderPlaced("o", 1));
        assertThat(new String(CloudEventJson.write(e), StandardCharsets.UTF_8))
                .doesNotContain("datacontenttype").contains("\"data\":{\"orderId\":\"o\",\"lines\":1}");
    }

    @Test
    void readsTimesWithOffsetsAsInstants() {
        Envelope e = CloudEventJson.read(utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"time\":\"2026-03-01T12:00:00+02:00\"}"));

        assertThat(e.time()).contains(Instant.parse("2026-03-01T10:00:00Z"));
    }

    @Test
    void reportsEveryProblemOfAMalformedEvent() {
        assertThatThrownBy(() -> CloudEventJson.read(utf8("{\"specversion\":\"1.0\",\"source\":5,"
                + "\"time\":\"yesterday\",\"data\":1,\"data_base64\":\"AA==\",\"nested\":{\"a\":1}}")))
                .isInstanceOf(InvalidEnvelopeException.class)
                .satisfies(t -> assertThat(((InvalidEnvelopeException) t).problems()).containsExactlyInAnyOrder(
                        "id: required",
                        "source: must be a string, was number",
                        "type: required",
                        "time: 'yesterday' is not an RFC 3339 timestamp",
                        "data, data_base64: only one of them may be present",
                        "extension 'nested': must be a string, 32-bit integer or boolean, was object"));
    }

    @Test
    void rejectsOtherSpecVersionsNonObjectsAndNonJson() {
        assertThatThrownBy(() -> CloudEventJson.read(utf8("{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\"}")))
                .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("only 1.0 is supported, was '0.3'");
        assertThatThrownBy(() -> CloudEventJson.read(utf8("[1,2]")))
                .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("must be a JSON object, was array");
        assertThatThrownBy(() -> CloudEventJson.read(utf8("{\"id\": ")))
                .isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("not JSON");
    }

    @Test
    void refusesToWriteJsonContentTypeWhoseBytesAreNotJson() {
        Envelope e = Envelope.builder().id("e-9").type("t").source("/s").data("application/json", utf8("{oops")).build();

        assertThatThrownBy(() -> CloudEventJson.write(e))
                .isInstanceOf(InvalidEnvelopeException.class)
                .hasMessageContaining("envelope e-9 declares application/json but its data is not valid JSON");
    }

    @Test
    void jsonSuffixContentTypesAreEmbedded() {
        Envelope e = Envelope.builder().type("t").source("/s")
                .data("application/vnd.shop.order+json; charset=utf-8", utf8("{\"a\":1}")).build();

        assertThat(new String(CloudEventJson.write(e), StandardCharsets.UTF_8)).contains("\"data\":{\"a\":1}");
        assertThat(CloudEventJson.read(CloudEventJson.write(e))).isEqualTo(e);
    }
}
