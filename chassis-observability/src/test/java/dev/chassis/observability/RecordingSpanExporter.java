package dev.chassis.observability;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Collection;
import java.util.List;

/** An in-memory exporter that keeps its spans after shutdown, so tests can see what shutdown flushed. */
final class RecordingSpanExporter implements io.opentelemetry.sdk.trace.export.SpanExporter {
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private volatile boolean shutDown;

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
        return spans.export(batch);
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        shutDown = true;
        return CompletableResultCode.ofSuccess();
    }

    List<SpanData> spans() {
        return spans.getFinishedSpanItems();
    }

    boolean isShutDown() {
        return shutDown;
    }
}
