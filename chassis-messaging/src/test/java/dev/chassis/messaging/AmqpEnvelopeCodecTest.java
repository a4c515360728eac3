package dev.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.chassis.core.NonRetryableException;
import dev.chassis.core.bus.Headers;
import dev.chassis.core.envelope.CloudEventJson;
import dev.chassis.core.envelope.Envelope;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AmqpEnvelopeCodecTest {
    private static final Envelope FULL = Envelope.builder().id("e-1").type("order.placed").source("/orders")
            .time(Instant.parse("2026-03-04T05:06:07.891Z")).subject("o-9").dataSchema(URI.create("urn:s"))
            .correlationId("c-1").traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            .extension("count", 7).extension("flag", false)
            .data("application/json", "{\"a\":1}".getBytes()).build();

    @Test
    void mapsAttributesToPropertiesAndPrefixedHeaders() {
        // when
        AMQP.BasicProperties p = AmqpEnvelopeCodec.encode(FULL, "order.placed", 1);

        // then
        assertThat(p.getMessageId()).isEqualTo("e-1");
        assertThat(p.getType()).isEqualTo("order.placed");
        assertThat(p.getAppId()).isEqualTo("/orders");
        assertThat(p.getContentType()).isEqualTo("application/json");
        assertThat(p.getCorrelationId()).isEqualTo("c-1");
        assertThat(p.getDeliveryMode()).isEqualTo(2);
        assertThat(p.getTimestamp().toInstant()).isEqualTo(Instant.parse("2026-03-04T05:06:07Z"));
        assertThat(p.getHeaders()).containsEntry("cloudEvents_id", "e-1")
                .containsEntry("cloudEvents_source", "/orders")
                .containsEntry("cloudEvents_specversion", "1.0")
                .containsEntry("cloudEvents_type", "order.placed")
                .containsEntry("cloudEvents_time", "2026-03-04T05:06:07.891Z")
                .containsEntry("cloudEvents_subject", "o-9")
                .containsEntry("cloudEvents_dataschema", "urn:s")
                .containsEntry("cloudEvents_count", 7)
                .containsEntry("cloudEvents_flag", false)
                .containsEntry(Headers.TOPIC, "order.placed")
                .containsEntry(Headers.ATTEMPT, 1)
                .doesNotContainKey("cloudEvents_datacontenttype");
    }

    @Test
    void decodingRebuildsTheIdenticalEnvelope() {
        assertThat(roundTrip(FULL)).isEqualTo(FULL);
        Envelope minimal = Envelope.builder().type("t").source("/s").time(null).build();
        assertThat(roundTrip(minimal)).isEqualTo(minimal);
        Envelope empty = Envelope.builder().type("t").source("/s").data("text/plain", new byte[0]).build();
        assertThat(roundTrip(empty)).isEqualTo(empty);
    }

    @Test
    void readsHeadersAsTheBrokerDeliversThem() {
        // given the broker's representation: long strings and longs
        Map<String, Object> headers = new HashMap<>();
        headers.put("cloudEvents_id", LongStringHelper.asLongString("x-1"));
        headers.put("cloudEvents_source", LongStringHelper.asLongString("/x"));
        headers.put("cloudEvents:type", LongStringHelper.asLongString("x.happened"));
        headers.put("cloudEvents_specversion", LongStringHelper.asLongString("1.0"));
        headers.put("cloudEvents_count", 3L);
        AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().headers(headers).contentType("text/plain").build();

        // when
        Envelope e = AmqpEnvelopeCodec.decode(p, "hi".getBytes());

        // then
        assertThat(e.id()).isEqualTo("x-1");
        assertThat(e.type()).isEqualTo("x.happened");
        assertThat(e.extension("count")).contains(3);
        assertThat(e.dataText()).isEqualTo("hi");
    }

    @Test
    void readsTheStructuredContentMode() {
        AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().contentType(CloudEventJson.CONTENT_TYPE).build();
        assertThat(AmqpEnvelopeCodec.decode(p, CloudEventJson.write(FULL))).isEqualTo(FULL);
    }

    @Test
    void rejectsMessagesWithoutTheRequiredAttributes() {
        AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().messageId("m").build();
        assertThatThrownBy(() -> AmqpEnvelopeCodec.decode(p, "garbage".getBytes()))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("cloudEvents_source").hasMessageContaining("cloudEvents_type");
    }

    private static Envelope roundTrip(Envelope e) {
        AMQP.BasicProperties p = AmqpEnvelopeCodec.encode(e, "t", 1);
        return AmqpEnvelopeCodec.decode(p, e.data());
    }
}
