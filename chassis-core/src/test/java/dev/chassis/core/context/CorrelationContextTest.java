package dev.chassis.core.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

class CorrelationContextTest {
    private static final String HOSTILE = "abc\r\n2026-01-01 INFO forged \u001b[2J";

    private final Logger logger = (Logger) LoggerFactory.getLogger(CorrelationContext.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logs);
        logger.setLevel(null);
    }

    static Stream<String> invalidIds() {
        return Stream.of("", "a".repeat(129), "abc\r\ndef", "\u001b[31mred", "bestellung-\u00fc", "a b", HOSTILE);
    }

    @ParameterizedTest
    @MethodSource("invalidIds")
    void replacesAnInvalidIncomingIdWithAFreshOneAndLogsOnlyItsLength(String raw) {
        // when
        CorrelationContext ctx = CorrelationContext.fromIncoming(raw, null);

        // then
        assertThat(CorrelationId.isValid(ctx.correlationId())).isTrue();
        assertThat(ctx.correlationId()).isNotEqualTo(raw);
        assertThat(logs.list).singleElement().satisfies(event -> {
            assertThat(event.getFormattedMessage())
                    .isEqualTo("invalid incoming correlation id replaced (length " + raw.length() + ")");
            assertThat(event.getArgumentArray()).containsExactly(raw.length());
        });
    }

    @Test
    void keepsValidIncomingIds() {
        // when
        CorrelationContext ctx = CorrelationContext.fromIncoming("req-1", "msg-7");

        // then
        assertThat(ctx.correlationId()).isEqualTo("req-1");
        assertThat(ctx.causationId()).contains("msg-7");
        assertThat(logs.list).isEmpty();
    }

    @Test
    void generatesAnIdWhenNoneWasSentWithoutLogging() {
        // when
        CorrelationContext first = CorrelationContext.fromIncoming(null, null);
        CorrelationContext second = CorrelationContext.fromIncoming(null, null);

        // then
        assertThat(CorrelationId.isValid(first.correlationId())).isTrue();
        assertThat(first.correlationId()).isNotEqualTo(second.correlationId());
        assertThat(first.causationId()).isEmpty();
        assertThat(logs.list).isEmpty();
    }

    @Test
    void dropsAnInvalidIncomingCausationIdButKeepsTheCorrelationId() {
        // when
        CorrelationContext ctx = CorrelationContext.fromIncoming("req-1", HOSTILE);

        // then
        assertThat(ctx.correlationId()).isEqualTo("req-1");
        assertThat(ctx.causationId()).isEmpty();
        assertThat(logs.list).singleElement().extracting(ILoggingEvent::getFormattedMessage)
                .isEqualTo("invalid incoming causation id dropped (length " + HOSTILE.length() + ")");
    }

    @Test
    void ofRejectsInvalidIdsWithoutEchoingThem() {
        assertThatThrownBy(() -> CorrelationContext.of(HOSTILE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("correlationId")
                .hasMessageContaining("fromIncoming")
                .hasMessageNotContaining("forged");
        assertThatThrownBy(() -> CorrelationContext.of("ok", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("causationId");
        assertThatThrownBy(() -> CorrelationContext.of(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("correlationId");
    }

    @Test
    void causedByKeepsTheCorrelationIdAndNamesTheCause() {
        // given
        CorrelationContext ctx = CorrelationContext.of("order-flow-1", "http-req-9");

        // when
        CorrelationContext next = ctx.causedBy("msg-42");

        // then
        assertThat(next.correlationId()).isEqualTo("order-flow-1");
        assertThat(next.causationId()).contains("msg-42");
        assertThat(ctx.causationId()).contains("http-req-9");
        assertThatThrownBy(() -> ctx.causedBy("bad id")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isAValue() {
        // then
        assertThat(CorrelationContext.of("a", "b")).isEqualTo(CorrelationContext.of("a", "b"))
                .hasSameHashCodeAs(CorrelationContext.of("a", "b"))
                .isNotEqualTo(CorrelationContext.of("a"))
                .hasToString("CorrelationContext[correlationId=a, causationId=b]");
        assertThat(CorrelationContext.generate()).isNotEqualTo(CorrelationContext.generate());
    }
}
