package dev.chassis.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    @Test
    void defaultsDoubleFromOneSecond() {
        RetryPolicy p = RetryPolicy.ofDefaults();

        assertThat(p.maxAttempts()).isEqualTo(5);
        assertThat(p.distinctDelays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(4), Duration.ofSeconds(8));
    }

    @Test
    void delaysAreCappedAndDistinctDelaysCollapse() {
        RetryPolicy p = RetryPolicy.builder().maxAttempts(10).initialDelay(Duration.ofMillis(100))
                .multiplier(3).maxDelay(Duration.ofSeconds(1)).build();

        assertThat(p.delayBefore(2)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delayBefore(3)).isEqualTo(Duration.ofMillis(300));
        assertThat(p.delayBefore(4)).isEqualTo(Duration.ofMillis(900));
        assertThat(p.delayBefore(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.delayBefore(10)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.distinctDelays()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(300),
                Duration.ofMillis(900), Duration.ofSeconds(1));
    }

    @Test
    void noneHasNoDelays() {
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
        assertThat(RetryPolicy.none().distinctDelays()).isEmpty();
    }

    @Test
    void rejectsNonsenseNamingTheValue() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0).build())
                .hasMessageContaining("maxAttempts must be >= 1, was 0");
        assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5).build())
                .hasMessageContaining("multiplier must be >= 1");
        assertThatThrownBy(() -> RetryPolicy.builder().initialDelay(Duration.ZERO).build())
                .hasMessageContaining("initialDelay must be positive");
        assertThatThrownBy(() -> RetryPolicy.builder().maxDelay(Duration.ofMillis(1)).build())
                .hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> RetryPolicy.ofDefaults().delayBefore(1))
                .hasMessageContaining("attempt must be >= 2");
    }
}
