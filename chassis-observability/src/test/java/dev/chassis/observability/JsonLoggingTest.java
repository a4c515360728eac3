package dev.chassis.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chassis.core.context.CorrelationContext;
import dev.chassis.core.context.CorrelationScope;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

@SuppressWarnings("try") // scopes are held for their effect
class JsonLoggingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Logger log = LoggerFactory.getLogger("orders.Api");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @AfterEach
    void restoreConsoleLogging() {
        MDC.clear();
        JsonLogging.builder().service("tests").install();
    }

    @Test
    void writesOneFlatJsonObjectPerLineWithCorrelationAndTraceIds() throws Exception {
        // given
        JsonLogging.builder().service("orders").output(out).install();
        RecordingSpanExporter exporter = new RecordingSpanExporter();
        CorrelationContext ctx = CorrelationContext.of("order-flow-1").causedBy("msg-42");

        try (Telemetry telemetry = Telemetry.builder()
                .settings(Map.of("OTEL_TRACES_EXPORTER", "none")).spanExporter(exporter).build()) {
            Span span = telemetry.tracer("test").spanBuilder("handle").startSpan();

            // when
            log.info("outside any scope");
            try (Scope trace = span.makeCurrent(); CorrelationScope scope = ctx.makeCurrent()) {
                log.info("order {} placed", 42);
            }
            log.info("after the scope");
            span.end();

            // then
            List<JsonNode> lines = lines();
            assertThat(lines).hasSize(3);
            JsonNode inside = lines.get(1);
            assertThat(inside.get("message").asText()).isEqualTo("order 42 placed");
            assertThat(inside.get("level").asText()).isEqualTo("INFO");
            assertThat(inside.get("logger").asText()).isEqualTo("orders.Api");
            assertThat(inside.get("service").asText()).isEqualTo("orders");
            assertThat(Instant.parse(inside.get("timestamp").asText())).isBeforeOrEqualTo(Instant.now());
            assertThat(inside.get("correlationId").asText()).isEqualTo("order-flow-1");
            assertThat(inside.get("causationId").asText()).isEqualTo("msg-42");
            assertThat(inside.get("traceId").asText()).isEqualTo(span.getSpanContext().getTraceId());
            assertThat(inside.get("spanId").asText()).isEqualTo(span.getSpanContext().getSpanId());
            for (JsonNode outside : List.of(lines.get(0), lines.get(2))) {
                assertThat(outside.get("correlationId").isNull()).isTrue();
                assertThat(outside.get("traceId").isNull()).isTrue();
                assertThat(outside.has("spanId")).isTrue();
            }
        }
    }

    @Test
    void logsCorrelationIdFromAnotherThreadRunningUnderTheScope() throws Exception {
        // given
        JsonLogging.builder().service("orders").output(out).install();
        ExecutorService workers = CorrelationContext.wrap(Executors.newFixedThreadPool(2));
        CorrelationContext ctx = CorrelationContext.of("consumer-7");

        // when
        try (CorrelationScope scope = ctx.makeCurrent()) {
            workers.submit(() -> log.info("from a worker")).get(10, TimeUnit.SECONDS);
        }
        workers.submit(() -> log.info("worker without scope")).get(10, TimeUnit.SECONDS);
        workers.shutdown();

        // then
        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("thread").asText()).isNotEqualTo(Thread.currentThread().getName());
        assertThat(lines.get(0).get("correlationId").asText()).isEqualTo("consumer-7");
        assertThat(lines.get(1).get("correlationId").isNull()).isTrue();
    }

    @Test
    void writesExceptionFields() throws Exception {
        // given
        JsonLogging.builder().output(out).install();

        // when
        log.error("payment failed", new IllegalStateException("card declined"));

        // then
        JsonNode line = lines().get(0);
        assertThat(line.get("level").asText()).isEqualTo("ERROR");
        assertThat(line.get("exception.type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(line.get("exception.message").asText()).isEqualTo("card declined");
        assertThat(line.get("exception.stacktrace").asText()).contains("writesExceptionFields");
    }

    @Test
    void hostileTextCannotForgeLinesOrReachTheTerminalRaw() throws Exception {
        // given
        JsonLogging.builder().output(out).install();
        String hostile = "user\r\n{\"level\":\"ERROR\",\"message\":\"forged\"}\u001b[31m\u0007\"\\\u2028";
        MDC.put("tenant", hostile);

        // when
        log.info("login {}", hostile);

        // then
        String raw = out.toString(StandardCharsets.UTF_8);
        assertThat(raw.lines()).hasSize(1);
        assertThat(raw).doesNotContain("\u001b", "\r", "\u0007", "\u2028");
        JsonNode line = lines().get(0);
        assertThat(line.get("message").asText()).isEqualTo("login " + hostile);
        assertThat(line.get("tenant").asText()).isEqualTo(hostile);
    }

    @Test
    void writesToFileWhenAsked(@TempDir Path dir) throws IOException {
        // given
        Path file = dir.resolve("service.log");
        JsonLogging.builder().service("orders").console(false).file(file).install();

        // when
        log.info("to the file");
        log.warn("and again");
        JsonLogging.builder().output(out).install(); // closes the file appender

        // then
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            assertThat(JSON.readTree(line).get("service").asText()).isEqualTo("orders");
        }
    }

    @Test
    void rejectsUnknownLevel() {
        // given / when / then
        assertThatThrownBy(() -> JsonLogging.builder().level("LOUD"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TRACE, DEBUG, INFO");
    }

    /** Every line parsed; those of this test's logger returned (Telemetry logs its start, too). */
    private List<JsonNode> lines() throws IOException {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode node = JSON.readTree(line);  // every line must parse
            if (node.get("logger").asText().equals("orders.Api")) {
                parsed.add(node);
            }
        }
        return parsed;
    }
}
