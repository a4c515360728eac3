package dev.chassis.core.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CorrelationIdTest {

    static Stream<Arguments> ids() {
        return Stream.of(
                Arguments.of("uuid", "3f1c9a4e-5b7d-4c2e-9a0f-1e2d3c4b5a69", true),
                Arguments.of("cloudevents style", "orders:42", true),
                Arguments.of("dotted and underscored", "svc.order_42", true),
                Arguments.of("single character", "a", true),
                Arguments.of("exactly 128 characters", "a".repeat(128), true),
                Arguments.of("null", null, false),
                Arguments.of("empty", "", false),
                Arguments.of("129 characters", "a".repeat(129), false),
                Arguments.of("megabyte", "a".repeat(1_000_000), false),
                Arguments.of("CRLF log forging", "abc\r\n2026-01-01 INFO forged", false),
                Arguments.of("bare LF", "abc\n", false),
                Arguments.of("ANSI escape", "\u001b[31mred\u001b[0m", false),
                Arguments.of("unicode letters", "bestellung-\u00fc", false),
                Arguments.of("CJK", "\u6ce8\u6587", false),
                Arguments.of("space", "a b", false),
                Arguments.of("quote", "a\"b", false),
                Arguments.of("slash", "a/b", false),
                Arguments.of("NUL", "a\u0000b", false));
    }

    @ParameterizedTest(name = "{0} -> valid={2}")
    @MethodSource("ids")
    void validatesCharsetAndLength(String label, String candidate, boolean valid) {
        // when
        boolean result = CorrelationId.isValid(candidate);

        // then
        assertThat(result).isEqualTo(valid);
    }

    @Test
    void generatesValidDistinctUuids() {
        // when
        var ids = new HashSet<String>();
        IntStream.range(0, 1000).forEach(i -> ids.add(CorrelationId.generate()));

        // then
        assertThat(ids).hasSize(1000).allSatisfy(id -> {
            assertThat(CorrelationId.isValid(id)).isTrue();
            assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        });
    }
}
