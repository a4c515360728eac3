package dev.chassis.examples.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PaymentServiceTest {
    @Test
    void theDeclineLimitIsReadAsAnExactAmount() {
        assertThat(PaymentService.declineAbove(" 1000.00 ")).isEqualByComparingTo("1000.00");
        assertThat(PaymentService.declineAbove("0")).isZero();
    }

    @Test
    void aMalformedOrNegativeLimitSaysWhatToSet() {
        assertThatThrownBy(() -> PaymentService.declineAbove("lots")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PAYMENT_DECLINE_ABOVE must be an amount of 0 or more such as 1000.00, was 'lots'");
        assertThatThrownBy(() -> PaymentService.declineAbove("-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was '-1'");
    }
}
