package dev.chassis.observability;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/** An SDK that exports every span at once into memory, with W3C trace context propagation, for the tests. */
public final class InMemoryTracing implements AutoCloseable {
    /** The finished spans. */
    public final InMemorySpanExporter spans = InMemorySpanExporter.create();
    /** The SDK to hand to the code under test. */
    public final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();

    @Override
    public void close() {
        sdk.close();
    }
}
