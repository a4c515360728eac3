package dev.chassis.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    private final PrometheusReader reader = new PrometheusReader();
    private final Resource resource = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "orders"));
    private final SdkMeterProvider provider = SdkMeterProvider.builder().setResource(resource)
            .registerMetricReader(reader).build();
    private final Meter meter = provider.get("test-scope");

    @AfterEach
    void close() {
        provider.close();
    }

    private String text() {
        return PrometheusText.write(reader.collect(), resource);
    }

    @Test
    void writesCountersWithTheirUnitDroppedAndTotalSuffixAndTheResourceAsTargetInfo() {
        // given
        meter.counterBuilder("messaging.client.sent.messages").setUnit("{message}").setDescription("Sent.").build()
                .add(3, Attributes.of(AttributeKey.stringKey("messaging.system"), "rabbitmq"));

        // when
        String text = text();

        // then
        assertThat(text).isEqualTo("""
                # HELP target_info Target metadata
                # TYPE target_info gauge
                target_info{service_name="orders"} 1
                # HELP messaging_client_sent_messages_total Sent.
                # TYPE messaging_client_sent_messages_total counter
                messaging_client_sent_messages_total{messaging_system="rabbitmq",otel_scope_name="test-scope"} 3
                """);
        PrometheusTextParser.parse(text);
    }

    @Test
    void writesHistogramsInSecondsAsCumulativeBucketsWithSumAndCount() {
        // given
        DoubleHistogram duration = meter.histogramBuilder("messaging.process.duration").setUnit("s")
                .setExplicitBucketBoundariesAdvice(List.of(0.01, 0.1, 1.0)).build();

        // when
        duration.record(0.005);
        duration.record(0.05);
        duration.record(0.07);
        duration.record(5.0);

        // then
        PrometheusTextParser.Exposition parsed = PrometheusTextParser.parse(text());
        assertThat(parsed.types()).containsEntry("messaging_process_duration_seconds", "histogram");
        assertThat(parsed.value("messaging_process_duration_seconds_bucket", Map.of("le", "0.01"))).isEqualTo(1);
        assertThat(parsed.value("messaging_process_duration_seconds_bucket", Map.of("le", "0.1"))).isEqualTo(3);
        assertThat(parsed.value("messaging_process_duration_seconds_bucket", Map.of("le", "1.0"))).isEqualTo(3);
        assertThat(parsed.value("messaging_process_duration_seconds_bucket", Map.of("le", "+Inf"))).isEqualTo(4);
        assertThat(parsed.value("messaging_process_duration_seconds_count", Map.of())).isEqualTo(4);
        assertThat(parsed.value("messaging_process_duration_seconds_sum", Map.of())).isCloseTo(5.125,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void escapesLabelValuesAndHelpAndSanitizesNamesAndLabelKeys() {
        // given
        meter.gaugeBuilder("jobs.in-flight/queue").ofLongs().setDescription("back\\slash\nnew line").build()
                .set(2, Attributes.of(AttributeKey.stringKey("error.type"), "a\"b\\c\nd",
                        AttributeKey.stringKey("0bad-key"), "x"));

        // when
        String text = text();

        // then
        assertThat(text).contains("# HELP jobs_in_flight_queue back\\\\slash\\nnew line\n")
                .contains("jobs_in_flight_queue{_0bad_key=\"x\",error_type=\"a\\\"b\\\\c\\nd\",otel_scope_name=\"test-scope\"} 2\n");
        PrometheusTextParser.Exposition parsed = PrometheusTextParser.parse(text);
        assertThat(parsed.samples()).filteredOn(s -> s.name().equals("jobs_in_flight_queue"))
                .singleElement().satisfies(s -> assertThat(s.labels()).containsEntry("error_type", "a\"b\\c\nd"));
    }

    @Test
    void writesUpDownCountersAsGaugesAndRatiosWithTheirSuffix() {
        // given
        meter.upDownCounterBuilder("chassis.outbox.backlog").setUnit("{message}").build().add(-2);
        meter.gaugeBuilder("cache.hit").setUnit("1").build().set(0.25);

        // when
        PrometheusTextParser.Exposition parsed = PrometheusTextParser.parse(text());

        // then
        assertThat(parsed.types()).containsEntry("chassis_outbox_backlog", "gauge")
                .containsEntry("cache_hit_ratio", "gauge");
        assertThat(parsed.value("chassis_outbox_backlog", Map.of())).isEqualTo(-2);
        assertThat(parsed.value("cache_hit_ratio", Map.of())).isEqualTo(0.25);
    }

    @Test
    void mergesOneNameFromTwoScopesIntoOneFamily() {
        // given
        provider.get("scope-a").counterBuilder("jobs").build().add(1);
        provider.get("scope-b").counterBuilder("jobs").build().add(2);

        // when
        PrometheusTextParser.Exposition parsed = PrometheusTextParser.parse(text());

        // then
        assertThat(parsed.value("jobs_total", Map.of("otel_scope_name", "scope-a"))).isEqualTo(1);
        assertThat(parsed.value("jobs_total", Map.of("otel_scope_name", "scope-b"))).isEqualTo(2);
    }

    @Test
    void parserRejectsWhatIsNotPrometheusText() {
        // a test of the test's parser, so the scrape tests cannot pass on garbage
        List<String> invalid = List.of(
                "no_type 1\n",
                "# TYPE a counter\na{x=\"1\"} one\n",
                "# TYPE a counter\na{x=1} 1\n",
                "# TYPE a counter\na 1",
                "# TYPE a counter\n# TYPE a counter\na 1\n",
                "# TYPE a counter\na 1\na 2\n",
                "# TYPE a histogram\na_bucket{le=\"1.0\"} 1\na_count 1\n",
                "# TYPE a gauge\nb 1\n",
                "# TYPE a gauge\na{x=\"\\t\"} 1\n");
        for (String text : invalid) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> PrometheusTextParser.parse(text))
                    .as(text).isInstanceOf(AssertionError.class);
        }
    }
}
