package dev.chassis.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
    record Shipment(String id, Instant at, int parcels) {}

    private final JsonCodec json = JsonCodec.defaults();

    @Test
    void writesInstantsAsIsoStrings() {
        // given
        var shipment = new Shipment("s-1", Instant.parse("2026-01-02T03:04:05.123456Z"), 2);

        // when
        String text = json.writeString(shipment);

        // then
        assertThat(text).isEqualTo("{\"id\":\"s-1\",\"at\":\"2026-01-02T03:04:05.123456Z\",\"parcels\":2}");
        assertThat(json.read(text, Shipment.class)).isEqualTo(shipment);
    }

    @Test
    void ignoresUnknownPropertiesSoProducersCanAddFields() {
        Shipment read = json.read("{\"id\":\"s-2\",\"at\":\"2026-01-02T03:04:05Z\",\"parcels\":1,\"carrier\":\"dhl\"}",
                Shipment.class);

        assertThat(read.id()).isEqualTo("s-2");
    }

    @Test
    void malformedJsonFailsWithTypedErrorNamingTheLocation() {
        assertThatThrownBy(() -> json.read("{\"id\": \"s-3\",\n \"parcels\": x}", Shipment.class))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("Shipment")
                .hasMessageContaining("line 2");
    }

    @Test
    void jsonNullIsRejectedRatherThanReturned() {
        assertThatThrownBy(() -> json.read("null", Shipment.class))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("null");
    }

    @Test
    void convertsMapsIntoRecords() {
        Shipment shipment = json.convert(Map.of("id", "s-4", "at", "2026-01-02T03:04:05Z", "parcels", 3), Shipment.class);

        assertThat(shipment.parcels()).isEqualTo(3);
    }
}
