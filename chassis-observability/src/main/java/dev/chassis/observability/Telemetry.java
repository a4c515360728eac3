package dev.chassis.observability;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.admin.AdminRoute;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.OpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessorBuilder;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's OpenTelemetry: an SDK configured from the standard {@code OTEL_*} environment
 * variables and code, or a no-op. Code that creates spans takes the {@link #openTelemetry()} it
 * exposes (an API type); the SDK stays inside.
 *
 * <p>What is set up: a resource with {@code service.name} and {@code OTEL_RESOURCE_ATTRIBUTES}; one
 * batch span processor per exporter ({@code otlp} over HTTP/protobuf by default, {@code logging},
 * {@code none}); the sampler ({@code parentbased_always_on} by default); and the W3C trace-context
 * and baggage propagators; a meter provider with the readers of {@code OTEL_METRICS_EXPORTER}
 * ({@code prometheus} by default: metrics are collected when {@link #metricsRoute()} is scraped;
 * {@code otlp} pushes them). {@link #close()} flushes what is buffered and shuts the exporters
 * down. Log export is not configured.
 *
 * <p>Instances are thread-safe and intended to be shared: create one per service at start-up and
 * close it last.
 *
 * <pre>{@code
 * try (Telemetry telemetry = Telemetry.fromEnvironment()) {
 *     Tracer tracer = telemetry.tracer("orders");
 *     ...
 * }
 * }</pre>
 */
public final class Telemetry implements AutoCloseable {
    /** The service name when neither the builder nor {@code OTEL_SERVICE_NAME} gives one. */
    public static final String DEFAULT_SERVICE_NAME = "unknown_service:java";

    private static final Logger log = LoggerFactory.getLogger(Telemetry.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final OpenTelemetry openTelemetry;
    private final @Nullable SdkTracerProvider tracerProvider;
    private final @Nullable SdkMeterProvider meterProvider;
    private final @Nullable PrometheusReader prometheus;
    private final Resource resource;
    private final String serviceName;
    private final AtomicBoolean shutDown = new AtomicBoolean();

    private Telemetry(OpenTelemetry openTelemetry, @Nullable SdkTracerProvider tracerProvider,
            @Nullable SdkMeterProvider meterProvider, @Nullable PrometheusReader prometheus, Resource resource,
            String serviceName) {
        this.openTelemetry = openTelemetry;
        this.tracerProvider = tracerProvider;
        this.meterProvider = meterProvider;
        this.prometheus = prometheus;
        this.resource = resource;
        this.serviceName = serviceName;
    }

    /**
     * Telemetry that records nothing, the default wherever none is configured. Spans are no-ops and
     * no context is propagated.
     *
     * @return a no-op telemetry; closing it does nothing
     */
    public static Telemetry noop() {
        return new Telemetry(OpenTelemetry.noop(), null, null, null, Resource.empty(), DEFAULT_SERVICE_NAME);
    }

    /**
     * Telemetry configured from this process's environment variables ({@code OTEL_SERVICE_NAME},
     * {@code OTEL_TRACES_EXPORTER}, {@code OTEL_EXPORTER_OTLP_ENDPOINT}, ...); see
     * {@link Builder#settings(Map)} for the list.
     *
     * @return the telemetry; {@link #noop()} if {@code OTEL_SDK_DISABLED=true}
     * @throws dev.chassis.core.NonRetryableException if a variable has an unsupported value; the
     *         message names the variable and the accepted values
     */
    public static Telemetry fromEnvironment() {
        return builder().settings(System.getenv()).build();
    }

    /**
     * Telemetry configured from env-like settings, e.g. read from a file or given by a test.
     *
     * @param settings variable names to values, as in {@link Builder#settings(Map)}
     * @return the telemetry; {@link #noop()} if {@code OTEL_SDK_DISABLED=true}
     * @throws dev.chassis.core.NonRetryableException if a setting has an unsupported value
     */
    public static Telemetry fromSettings(Map<String, String> settings) {
        return builder().settings(settings).build();
    }

    /**
     * A builder: settings from a map (no environment unless given) overridden by code.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The OpenTelemetry API to create tracers from and to propagate context with.
     *
     * @return the configured instance, or {@link OpenTelemetry#noop()}
     */
    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /**
     * A tracer for one instrumentation scope.
     *
     * @param instrumentationScope the name of the instrumented component, e.g. {@code "dev.chassis.http"}
     * @return the tracer
     */
    public Tracer tracer(String instrumentationScope) {
        return openTelemetry.getTracer(requireNonNull(instrumentationScope, "instrumentationScope"));
    }

    /**
     * A meter for one instrumentation scope.
     *
     * @param instrumentationScope the name of the instrumented component, e.g. {@code "orders"}
     * @return the meter; a no-op one when metrics are off
     */
    public Meter meter(String instrumentationScope) {
        return openTelemetry.getMeter(requireNonNull(instrumentationScope, "instrumentationScope"));
    }

    /**
     * The admin route {@code GET /metrics}: every metric recorded through {@link #openTelemetry()} in
     * the Prometheus text format 0.0.4 ({@code text/plain; version=0.0.4; charset=utf-8}), collected
     * at each request. Counters get a {@code _total} suffix, durations in seconds a
     * {@code _seconds} one, and dots in names become underscores, e.g.
     * {@code messaging_client_sent_messages_total}. The body is empty when {@code prometheus} is not
     * among the metrics exporters.
     *
     * <pre>{@code
     * AdminServer admin = AdminServer.builder().route(telemetry.metricsRoute()).build().start();
     * }</pre>
     *
     * @return the route
     */
    public AdminRoute metricsRoute() {
        return AdminRoute.get("/metrics", request -> AdminResponse.text(200, PrometheusText.CONTENT_TYPE,
                prometheus == null ? "" : PrometheusText.write(prometheus.collect(), resource)));
    }

    /**
     * The propagator for HTTP headers and message properties: W3C trace context and baggage by default.
     *
     * @return the text map propagator
     */
    public TextMapPropagator propagator() {
        return openTelemetry.getPropagators().getTextMapPropagator();
    }

    /**
     * The {@code service.name} of this service's resource.
     *
     * @return the service name
     */
    public String serviceName() {
        return serviceName;
    }

    /**
     * Whether spans are recorded and exported, i.e. this is not a no-op.
     *
     * @return {@code true} for an SDK with at least a tracer provider
     */
    public boolean isEnabled() {
        return tracerProvider != null;
    }

    /**
     * Exports every ended span still buffered, and the metrics of push exporters, waiting up to the
     * timeout.
     *
     * @param timeout how long to wait
     * @return {@code true} if everything was exported in time (always for a no-op)
     */
    public boolean flush(Duration timeout) {
        requireNonNull(timeout, "timeout");
        return join(tracerProvider == null ? null : tracerProvider.forceFlush(),
                meterProvider == null ? null : meterProvider.forceFlush(), timeout);
    }

    private static boolean join(@Nullable CompletableResultCode traces, @Nullable CompletableResultCode metrics,
            Duration timeout) {
        List<CompletableResultCode> all = new ArrayList<>(2);
        if (traces != null) {
            all.add(traces);
        }
        if (metrics != null) {
            all.add(metrics);
        }
        return CompletableResultCode.ofAll(all).join(timeout.toMillis(), TimeUnit.MILLISECONDS).isSuccess();
    }

    /**
     * Flushes buffered spans and shuts the exporters down, waiting up to the timeout. Spans ended
     * afterwards are dropped. Calling it again does nothing.
     *
     * @param timeout how long to wait for the flush and shutdown
     * @return {@code true} if everything was exported and shut down in time
     */
    public boolean shutdown(Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (tracerProvider == null || !shutDown.compareAndSet(false, true)) {
            return true;
        }
        boolean done = join(tracerProvider.shutdown(), meterProvider == null ? null : meterProvider.shutdown(), timeout);
        if (!done) {
            log.warn("telemetry shutdown did not complete within {}; some spans or metrics may be lost", timeout);
        }
        return done;
    }

    /** {@link #shutdown(Duration)} with a 10-second timeout. */
    @Override
    public void close() {
        shutdown(CLOSE_TIMEOUT);
    }

    /**
     * Configures a {@link Telemetry}. Code settings win over {@code OTEL_*} settings. Not
     * thread-safe; {@link #build()} copies, so one builder can build several instances.
     */
    public static final class Builder {
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<String, String> resourceAttributes = new LinkedHashMap<>();
        private final List<SpanExporter> exporters = new ArrayList<>();
        private @Nullable String serviceName;
        private boolean registerGlobal;

        private Builder() {}

        /**
         * Env-like settings. Read: {@code OTEL_SDK_DISABLED}, {@code OTEL_SERVICE_NAME},
         * {@code OTEL_RESOURCE_ATTRIBUTES}, {@code OTEL_TRACES_EXPORTER} ({@code otlp} default,
         * {@code logging}/{@code console}, {@code none}), {@code OTEL_EXPORTER_OTLP_ENDPOINT}
         * ({@code http://localhost:4318}), {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT},
         * {@code OTEL_EXPORTER_OTLP_PROTOCOL} ({@code http/protobuf} only),
         * {@code OTEL_EXPORTER_OTLP_HEADERS}, {@code OTEL_EXPORTER_OTLP_TIMEOUT},
         * {@code OTEL_TRACES_SAMPLER}, {@code OTEL_TRACES_SAMPLER_ARG}, {@code OTEL_PROPAGATORS}
         * ({@code tracecontext,baggage}), {@code OTEL_BSP_SCHEDULE_DELAY},
         * {@code OTEL_BSP_EXPORT_TIMEOUT}, {@code OTEL_BSP_MAX_QUEUE_SIZE},
         * {@code OTEL_BSP_MAX_EXPORT_BATCH_SIZE}, {@code OTEL_METRICS_EXPORTER} ({@code prometheus}
         * default, {@code otlp}, {@code logging}/{@code console}, {@code none}),
         * {@code OTEL_METRIC_EXPORT_INTERVAL} (60000), {@code OTEL_EXPORTER_OTLP_METRICS_ENDPOINT} and the
         * {@code _METRICS_}/{@code _TRACES_} variants of the OTLP headers, timeout and protocol.
         * Others are ignored. Calls add up.
         *
         * @param settings variable names to values
         * @return this builder
         */
        public Builder settings(Map<String, String> settings) {
            requireNonNull(settings, "settings").forEach((k, v) -> {
                if (k != null && v != null) {
                    this.settings.put(k, v);
                }
            });
            return this;
        }

        /**
         * The {@code service.name}; wins over {@code OTEL_SERVICE_NAME}.
         *
         * @param serviceName e.g. {@code "orders"}
         * @return this builder
         */
        public Builder serviceName(String serviceName) {
            this.serviceName = requireNonNull(serviceName, "serviceName");
            return this;
        }

        /**
         * A resource attribute, e.g. {@code deployment.environment.name}; wins over
         * {@code OTEL_RESOURCE_ATTRIBUTES}.
         *
         * @param key the attribute key
         * @param value the value
         * @return this builder
         */
        public Builder resourceAttribute(String key, String value) {
            resourceAttributes.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
            return this;
        }

        /**
         * Also registers the built instance as {@link GlobalOpenTelemetry}, for libraries that only
         * look there. Off by default; can be done once per process.
         *
         * @return this builder
         */
        public Builder registerGlobal() {
            this.registerGlobal = true;
            return this;
        }

        /** An extra exporter, behind its own batch processor (tests use an in-memory one). */
        Builder spanExporter(SpanExporter exporter) {
            exporters.add(requireNonNull(exporter, "exporter"));
            return this;
        }

        /**
         * Builds the telemetry.
         *
         * @return the telemetry, {@link Telemetry#noop()} if {@code OTEL_SDK_DISABLED=true}
         * @throws dev.chassis.core.NonRetryableException if a setting has an unsupported value; the
         *         message names it and the accepted values
         * @throws IllegalStateException if {@link #registerGlobal()} was asked for and a global
         *         instance is already set
         */
        public Telemetry build() {
            TelemetrySettings env = new TelemetrySettings(Map.copyOf(settings));
            if (env.disabled()) {
                return noop();
            }
            String service = serviceName != null ? serviceName
                    : env.serviceName() != null ? env.serviceName() : DEFAULT_SERVICE_NAME;
            AttributesBuilder attributes = env.resourceAttributes().toBuilder();
            resourceAttributes.forEach(attributes::put);
            attributes.put("service.name", service);
            Resource resource = Resource.getDefault().merge(Resource.create(attributes.build()));

            SdkTracerProviderBuilder tracing = SdkTracerProvider.builder()
                    .setResource(resource)
                    .setSampler(env.sampler());
            List<SpanExporter> all = new ArrayList<>(env.exporters());
            all.addAll(exporters);
            for (SpanExporter exporter : all) {
                tracing.addSpanProcessor(batch(exporter, env));
            }
            SdkTracerProvider tracerProvider = tracing.build();

            List<TextMapPropagator> propagators = new ArrayList<>();
            for (String name : env.propagators()) {
                if (name.equals("tracecontext")) {
                    propagators.add(W3CTraceContextPropagator.getInstance());
                } else if (name.equals("baggage")) {
                    propagators.add(W3CBaggagePropagator.getInstance());
                }
            }
            PrometheusReader prometheus = new PrometheusReader();
            List<MetricReader> readers = env.metricReaders(prometheus);
            SdkMeterProvider meterProvider = null;
            if (!readers.isEmpty()) {
                SdkMeterProviderBuilder metering = SdkMeterProvider.builder().setResource(resource);
                readers.forEach(metering::registerMetricReader);
                meterProvider = metering.build();
            }

            OpenTelemetrySdkBuilder sdkBuilder = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider);
            if (meterProvider != null) {
                sdkBuilder.setMeterProvider(meterProvider);
            }
            OpenTelemetrySdk sdk = sdkBuilder
                    .setPropagators(ContextPropagators.create(TextMapPropagator.composite(propagators)))
                    .build();
            if (registerGlobal) {
                GlobalOpenTelemetry.set(sdk);
            }
            log.info("telemetry started for service {} with {} span exporter(s) and {} metric reader(s)", service,
                    all.size(), readers.size());
            return new Telemetry(sdk, tracerProvider, meterProvider, readers.contains(prometheus) ? prometheus : null,
                    resource, service);
        }

        private static BatchSpanProcessor batch(SpanExporter exporter, TelemetrySettings env) {
            BatchSpanProcessorBuilder batch = BatchSpanProcessor.builder(exporter);
            Duration delay = env.millis("OTEL_BSP_SCHEDULE_DELAY");
            if (delay != null) {
                batch.setScheduleDelay(delay);
            }
            Duration timeout = env.millis("OTEL_BSP_EXPORT_TIMEOUT");
            if (timeout != null) {
                batch.setExporterTimeout(timeout);
            }
            Integer queue = env.positive("OTEL_BSP_MAX_QUEUE_SIZE");
            if (queue != null) {
                batch.setMaxQueueSize(queue);
            }
            Integer size = env.positive("OTEL_BSP_MAX_EXPORT_BATCH_SIZE");
            if (size != null) {
                batch.setMaxExportBatchSize(size);
            }
            return batch.build();
        }
    }
}
