package dev.chassis.observability;

import static java.util.Objects.requireNonNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Sets up Logback in code for JSON logs: one {@link JsonLogEncoder} line per event on standard out
 * (and optionally a file), with {@link CorrelationMdc} filling correlation and trace ids at log time.
 * Replaces whatever Logback configuration was loaded before.
 *
 * <pre>{@code
 * JsonLogging.builder().service("orders").level("INFO").install();
 * }</pre>
 *
 * <p>Call it once at start-up, before the first log lines that matter. The same setup in
 * {@code logback.xml} is shown in the observability guide. Static methods only; the builder is not
 * thread-safe.
 */
public final class JsonLogging {
    private JsonLogging() {}

    /**
     * A builder; by default JSON to standard out at level {@code INFO}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Configures JSON logging. Not thread-safe.
     */
    public static final class Builder {
        private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

        private @Nullable String service;
        private @Nullable Path file;
        private boolean console = true;
        private String level = "INFO";
        private @Nullable OutputStream output;

        private Builder() {}

        /**
         * The service name in every line; by default {@code OTEL_SERVICE_NAME} or
         * {@value Telemetry#DEFAULT_SERVICE_NAME}.
         *
         * @param service e.g. {@code "orders"}
         * @return this builder
         */
        public Builder service(String service) {
            this.service = requireNonNull(service, "service");
            return this;
        }

        /**
         * Also append the lines to this file, created if missing.
         *
         * @param file the log file
         * @return this builder
         */
        public Builder file(Path file) {
            this.file = requireNonNull(file, "file");
            return this;
        }

        /**
         * Whether to write to standard out; on by default.
         *
         * @param console {@code false} to log only to the file
         * @return this builder
         */
        public Builder console(boolean console) {
            this.console = console;
            return this;
        }

        /**
         * The root logger's level; {@code INFO} by default.
         *
         * @param level {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN}, {@code ERROR} or {@code OFF}
         * @return this builder
         * @throws IllegalArgumentException if the level is none of these
         */
        public Builder level(String level) {
            requireNonNull(level, "level");
            if (!LEVELS.contains(level.strip().toUpperCase(Locale.ROOT))) {
                throw new IllegalArgumentException("unknown log level '" + level.strip()
                        + "'; use TRACE, DEBUG, INFO, WARN, ERROR or OFF");
            }
            this.level = level.strip().toUpperCase(Locale.ROOT);
            return this;
        }

        /** Writes to this stream instead of standard out (tests). */
        Builder output(OutputStream output) {
            this.output = requireNonNull(output, "output");
            return this;
        }

        /**
         * Replaces the Logback configuration with this one.
         *
         * @throws IllegalStateException if SLF4J is not bound to Logback
         */
        public void install() {
            ILoggerFactory factory = LoggerFactory.getILoggerFactory();
            if (!(factory instanceof LoggerContext context)) {
                throw new IllegalStateException("JSON logging needs Logback as the SLF4J binding, found "
                        + factory.getClass().getName() + "; keep only logback-classic on the class path");
            }
            context.reset();
            CorrelationMdc mdc = new CorrelationMdc();
            mdc.setContext(context);
            mdc.start();
            context.addTurboFilter(mdc);

            Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            root.setLevel(Level.toLevel(level));
            if (output != null) {
                OutputStreamAppender<ILoggingEvent> stream = new OutputStreamAppender<>();
                stream.setOutputStream(output);
                attach(context, root, stream, "json-stream");
            } else if (console) {
                attach(context, root, new ConsoleAppender<>(), "json-console");
            }
            if (file != null) {
                FileAppender<ILoggingEvent> appender = new FileAppender<>();
                appender.setFile(file.toString());
                appender.setAppend(true);
                attach(context, root, appender, "json-file");
            }
        }

        private void attach(LoggerContext context, Logger root, OutputStreamAppender<ILoggingEvent> appender, String name) {
            JsonLogEncoder encoder = new JsonLogEncoder();
            encoder.setContext(context);
            if (service != null) {
                encoder.setService(service);
            }
            encoder.start();
            appender.setName(name);
            appender.setContext(context);
            appender.setEncoder(encoder);
            appender.start();
            root.addAppender(appender);
        }
    }
}
