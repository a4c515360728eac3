package dev.chassis.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SDK and its exporters stay behind {@link Telemetry}: the public API shows only OpenTelemetry API types. */
class PublicApiTest {
    private static final List<Class<?>> PUBLIC_TYPES = List.of(Telemetry.class, Telemetry.Builder.class,
            CorrelationHttpFilter.class, CorrelationHttpFilter.Builder.class, JsonLogging.class,
            JsonLogging.Builder.class, JsonLogEncoder.class, CorrelationMdc.class,
            dev.chassis.observability.servlet.CorrelationServletFilter.class,
            dev.chassis.observability.servlet.CorrelationServletFilter.Builder.class);

    @Test
    void publicSignaturesUseNoSdkOrExporterTypes() {
        // given
        List<String> leaks = new ArrayList<>();

        // when
        for (Class<?> type : PUBLIC_TYPES) {
            for (Method m : type.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers())) {
                    check(type, m.getName(), m.getReturnType(), leaks);
                    parameters(type, m, leaks);
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (Modifier.isPublic(c.getModifiers())) {
                    parameters(type, c, leaks);
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (Modifier.isPublic(f.getModifiers())) {
                    check(type, f.getName(), f.getType(), leaks);
                }
            }
        }

        // then
        assertThat(leaks).isEmpty();
        assertThat(PUBLIC_TYPES).allMatch(t -> Modifier.isFinal(t.getModifiers()));
    }

    private static void parameters(Class<?> owner, Executable e, List<String> leaks) {
        for (Class<?> p : e.getParameterTypes()) {
            check(owner, e.getName(), p, leaks);
        }
    }

    private static void check(Class<?> owner, String member, Class<?> type, List<String> leaks) {
        String name = type.getName();
        if (name.startsWith("io.opentelemetry.sdk.") || name.startsWith("io.opentelemetry.exporter.")) {
            leaks.add(owner.getSimpleName() + "." + member + " uses " + name);
        }
    }
}
