package dev.chassis.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationScope;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.messaging.RabbitEventBus;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What tracing and correlation cost per message on a publish + consume round trip through
 * {@link RabbitEventBus}, measured in one run on one broker: two buses on their own exchanges and
 * queues, one with {@link OpenTelemetry#noop()} ("off": only the correlation id the bus always
 * stamps), one with an SDK ("on": always-on sampler, batch span processor into an exporter that
 * counts and drops), publishing inside a correlation scope and a parent span as a request handler
 * would. Each message gets a {@code publish} and a {@code process} span and the handler runs with its
 * correlation and trace context current. A round publishes 1 KiB persistent messages with a window
 * of 256 unconfirmed ones and ends when the consumer (prefetch 250, one thread) has handled all;
 * rounds alternate which side goes first; round 0 is a warm-up; medians are reported.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.chassis.benchmarks.TracingOverheadBenchmark [messages] [rounds]
 * </pre>
 */
public final class TracingOverheadBenchmark {
    private static final String URI = System.getProperty("rabbit.uri", "amqp://guest:guest@127.0.0.1:5672/%2F");
    private static final String TOPIC = "bench.traced";
    private static final int WINDOW = 256;
    private static final int PREFETCH = 250;
    private static final byte[] PAYLOAD = "x".repeat(1024).getBytes(StandardCharsets.UTF_8);

    private TracingOverheadBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: messages per round (default 20000), measured rounds (default 6)
     * @throws Exception on any broker failure
     */
    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        CountingExporter exporter = new CountingExporter();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().setSampler(Sampler.alwaysOn())
                        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build()).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        Side off = new Side("off", OpenTelemetry.noop());
        Side on = new Side("on", sdk);
        List<Double> offRates = new ArrayList<>();
        List<Double> onRates = new ArrayList<>();
        try {
            for (int round = 0; round <= rounds; round++) {
                boolean offFirst = round % 2 == 0;
                double first = (offFirst ? off : on).round(messages);
                double second = (offFirst ? on : off).round(messages);
                double offRate = offFirst ? first : second;
                double onRate = offFirst ? second : first;
                System.out.printf("round %d%s: off %.0f msg/s, on %.0f msg/s%n", round, round == 0 ? " (warm-up)" : "",
                        offRate, onRate);
                if (round > 0) {
                    offRates.add(offRate);
                    onRates.add(onRate);
                }
            }
        } finally {
            off.close();
            on.close();
            sdk.close();
        }
        double offRate = median(offRates);
        double onRate = median(onRates);
        System.out.printf("RESULT publish+consume round trip: off %.0f msg/s, on %.0f msg/s, ratio %.2f,"
                + " overhead %.1f us/message, spans exported %d%n", offRate, onRate, onRate / offRate,
                (1e6 / onRate) - (1e6 / offRate), exporter.spans.get());
    }

    /** One bus with its own exchange, queue and consumer, kept across rounds. */
    private static final class Side implements AutoCloseable {
        private final String name;
        private final OpenTelemetry telemetry;
        private final RabbitEventBus bus;
        private final String exchange;
        private final String queue;
        private final AtomicReference<CountDownLatch> received = new AtomicReference<>(new CountDownLatch(0));

        Side(String name, OpenTelemetry telemetry) {
            this.name = name;
            this.telemetry = telemetry;
            this.exchange = "bench.tracing." + name;
            this.queue = "bench.tracing." + name;
            this.bus = RabbitEventBus.builder().uri(URI).exchange(exchange).connectionName("bench-tracing-" + name)
                    .publisherChannels(1).maxUnconfirmedPerChannel(WINDOW).openTelemetry(telemetry).build();
            bus.subscribe(Subscription.builder(queue).topic(TOPIC).prefetch(PREFETCH).concurrency(1)
                    .retry(RetryPolicy.none()).handler(d -> received.get().countDown()).build());
        }

        /** Publishes and consumes {@code messages}; returns the round trip rate in messages per second. */
        double round(int messages) throws Exception {
            Envelope[] envelopes = new Envelope[messages];
            for (int i = 0; i < messages; i++) {
                envelopes[i] = Envelope.builder().source("/bench").type("bench.traced")
                        .data("application/octet-stream", PAYLOAD).build();
            }
            CountDownLatch done = new CountDownLatch(messages);
            received.set(done);
            Semaphore window = new Semaphore(WINDOW);
            AtomicLong failed = new AtomicLong();
            Span request = telemetry.getTracer("bench").spanBuilder("request").startSpan();
            long start = System.nanoTime();
            try (CorrelationScope correlation = CorrelationContext.of("bench-" + name).makeCurrent();
                    Scope trace = request.makeCurrent()) {
                for (int i = 0; i < messages; i++) {
                    window.acquire();
                    bus.publish(TOPIC, envelopes[i]).whenComplete((ok, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                        }
                        window.release();
                    });
                }
            }
            if (!done.await(300, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + ": " + done.getCount() + " messages not consumed");
            }
            long nanos = System.nanoTime() - start;
            request.end();
            if (failed.get() > 0) {
                throw new IllegalStateException(name + ": " + failed.get() + " publishes failed");
            }
            return messages * 1e9 / nanos;
        }

        @Override
        public void close() throws Exception {
            bus.close();
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(URI);
            try (Connection admin = f.newConnection("bench-tracing-admin"); Channel ch = admin.createChannel()) {
                ch.queueDelete(queue);
                ch.queueDelete(queue + ".dlq");
                ch.exchangeDelete(queue + ".dlx");
                ch.exchangeDelete(exchange);
            }
        }
    }

    /** Counts exported spans and drops them: the cost measured is the SDK's, not an exporter's network. */
    private static final class CountingExporter implements SpanExporter {
        final AtomicLong spans = new AtomicLong();

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAndGet(batch.size());
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
