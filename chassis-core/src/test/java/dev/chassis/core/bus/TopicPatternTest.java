package dev.chassis.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicPatternTest {
    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "user.created, user.created, true",
            "user.created, user.deleted, false",
            "user.*, user.created, true",
            "user.*, user, false",
            "user.*, user.created.v2, false",
            "*.created, order.created, true",
            "#, anything.at.all, true",
            "#, single, true",
            "order.#, order, true",
            "order.#, order.payment.failed, true",
            "order.#, orders.x, false",
            "#.failed, order.payment.failed, true",
            "#.failed, failed, true",
            "order.#.failed, order.failed, true",
            "order.#.failed, order.a.b.failed, true",
            "order.#.failed, order.a.b.done, false",
            "*.*, a.b, true",
            "*.*, a, false",
            "#.#, a.b.c, true",
    })
    void matchesLikeAnAmqpTopicExchange(String pattern, String topic, boolean expected) {
        assertThat(TopicPattern.of(pattern).matches(topic)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "user..created", ".user", "user.", "user created", "user.cr*ated", "ü.x"})
    void rejectsMalformedPatterns(String pattern) {
        assertThatThrownBy(() -> TopicPattern.of(pattern)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic pattern");
    }

    @ParameterizedTest
    @ValueSource(strings = {"user.*", "#", "order.#"})
    void publishedTopicsMayNotHoldWildcards(String topic) {
        assertThatThrownBy(() -> TopicPattern.checkTopic(topic)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not contain wildcards");
    }

    @ParameterizedTest
    @ValueSource(strings = {"user.created", "order-service.order_placed.v2", "x"})
    void acceptsOrdinaryTopics(String topic) {
        assertThat(TopicPattern.checkTopic(topic)).isEqualTo(topic);
    }
}
