package dev.chassis.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SubscriptionTest {
    private static final EventHandler NOOP = delivery -> { };

    @Test
    void holdsWhatWasBuiltWithDefaults() {
        Subscription s = Subscription.builder("email-service.welcome").topics("user.created", "user.*").handler(NOOP).build();

        assertThat(s.queue()).isEqualTo("email-service.welcome");
        assertThat(s.topics()).extracting(TopicPattern::toString).containsExactly("user.created", "user.*");
        assertThat(s.concurrency()).isEqualTo(1);
        assertThat(s.prefetch()).isEqualTo(32);
        assertThat(s.retry()).isEqualTo(RetryPolicy.ofDefaults());
        assertThat(s.matches("user.deleted")).isTrue();
        assertThat(s.matches("order.created")).isFalse();
    }

    @Test
    void needsATopicAndAHandler() {
        assertThatThrownBy(() -> Subscription.builder("q").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("subscription 'q' needs at least one topic(...) and a handler(...)");
    }

    @Test
    void rejectsBadQueueNamesAndLimits() {
        assertThatThrownBy(() -> Subscription.builder(".hidden")).hasMessageContaining("queue must be");
        assertThatThrownBy(() -> Subscription.builder("a b")).hasMessageContaining("was 'a b'");
        assertThatThrownBy(() -> Subscription.builder("q").concurrency(0)).hasMessageContaining("concurrency must be 1..256");
        assertThatThrownBy(() -> Subscription.builder("q").prefetch(0)).hasMessageContaining("prefetch must be 1..65535");
        assertThatThrownBy(() -> Subscription.builder("q").topic("a..b")).hasMessageContaining("topic pattern");
    }
}
