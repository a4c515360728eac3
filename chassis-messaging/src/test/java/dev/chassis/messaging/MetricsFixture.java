package dev.chassis.messaging;

import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/** An OpenTelemetry SDK whose metrics are read in memory, and sums over the points it recorded. */
public final class MetricsFixture implements AutoCloseable {
    /** {@code messaging.destination.subscription.name}. */
    public static final AttributeKey<String> SUBSCRIPTION = AttributeKey.stringKey("messaging.destination.subscription.name");
    /** {@code error.type}. */
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    /** The SDK to hand to the component under test. */
    public final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
            .build();

    /** Collects now: the cumulative metrics so far. */
    public Collection<MetricData> collect() {
        return reader.collectAllMetrics();
    }

    /** The sum of a counter's (or gauge's) points whose attributes include {@code including}; 0 if none. */
    public double value(String name, Attributes including) {
        return sum(name, including, p -> p instanceof io.opentelemetry.sdk.metrics.data.LongPointData l ? l.getValue()
                : ((io.opentelemetry.sdk.metrics.data.DoublePointData) p).getValue());
    }

    /** The number of recordings of a histogram over points whose attributes include {@code including}. */
    public long histogramCount(String name, Attributes including) {
        return (long) sum(name, including, p -> ((io.opentelemetry.sdk.metrics.data.HistogramPointData) p).getCount());
    }

    /** The points of one metric, empty if it recorded nothing. */
    public List<? extends PointData> points(String name) {
        return collect().stream().filter(m -> m.getName().equals(name))
                .flatMap(m -> m.getData().getPoints().stream()).toList();
    }

    /** Waits until a counter's value reaches at least {@code expected}. */
    public void awaitValue(String name, Attributes including, double expected) {
        await().atMost(Duration.ofSeconds(15)).until(() -> value(name, including) >= expected);
    }

    private double sum(String name, Attributes including, ToDoubleFunction<PointData> value) {
        Stream<? extends PointData> matching = points(name).stream().filter(p -> includes(p.getAttributes(), including));
        return matching.mapToDouble(value).sum();
    }

    private static boolean includes(Attributes attributes, Attributes including) {
        return including.asMap().entrySet().stream()
                .allMatch(e -> e.getValue().equals(attributes.get(e.getKey())));
    }

    @Override
    public void close() {
        openTelemetry.close();
    }
}
