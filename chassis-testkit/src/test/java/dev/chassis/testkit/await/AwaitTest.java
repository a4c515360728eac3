package dev.chassis.testkit.await;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
    private final AtomicInteger polls = new AtomicInteger();

    @Test
    void returnsAsSoonAsTheConditionHolds() {
        // when
        Await.until("the third poll", () -> polls.incrementAndGet() == 3, Duration.ofSeconds(5));

        // then
        assertThat(polls).hasValue(3);
    }

    @Test
    void returnsTheFirstAcceptedValue() {
        // when
        int value = Await.until("a value over 4", polls::incrementAndGet, n -> n > 4, Duration.ofSeconds(5));

        // then
        assertThat(value).isEqualTo(5);
    }

    @Test
    void failsNamingTheDescriptionTheTimeWaitedAndTheLastValue() {
        // when / then
        assertThatThrownBy(() -> Await.until("three rows", () -> 2, n -> n == 3, Duration.ofMillis(100)))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Waited 0.1")
                .hasMessageContaining(" s for three rows, but it did not happen (")
                .hasMessageEndingWith("polls); last value: 2");
    }

    @Test
    void untilAssertedReturnsOnceTheAssertionPasses() {
        // when
        Await.untilAsserted("the second poll", () -> assertThat(polls.incrementAndGet()).isEqualTo(2),
                Duration.ofSeconds(5));

        // then
        assertThat(polls).hasValue(2);
    }

    @Test
    void untilAssertedFailsWithTheLastAssertionErrorAsCauseAndInTheMessage() {
        // when / then
        assertThatThrownBy(() -> Await.untilAsserted("the welcome e-mail",
                () -> assertThat(polls.incrementAndGet()).as("sent e-mails").isZero(), Duration.ofMillis(100)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("for the welcome e-mail, but it did not happen")
                .hasMessageContaining("last assertion error: [sent e-mails]")
                .cause().isInstanceOf(AssertionError.class).hasMessageContaining("[sent e-mails]")
                .hasMessageContaining("but was: " + polls.get());
    }

    @Test
    void anExceptionOfTheConditionEndsTheWaitAtOnce() {
        // when / then
        assertThatThrownBy(() -> Await.until("a broken probe", () -> {
            polls.incrementAndGet();
            throw new IllegalStateException("probe broke");
        }, Duration.ofSeconds(30))).isInstanceOf(IllegalStateException.class).hasMessage("probe broke");
        assertThat(polls).hasValue(1);
    }

    @Test
    void aCheckedExceptionOfAnAssertionFailsTheWaitWithItAsCause() {
        // when / then
        assertThatThrownBy(() -> Await.untilAsserted("a file", () -> {
            polls.incrementAndGet();
            throw new IOException("disk gone");
        }, Duration.ofSeconds(30)))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Awaiting a file failed: java.io.IOException: disk gone")
                .hasCauseInstanceOf(IOException.class);
        assertThat(polls).hasValue(1);
    }

    @Test
    void pollsLessOftenTheLongerItWaits() {
        // when a condition that never holds is polled for half a second
        assertThatThrownBy(() -> Await.until("never", () -> polls.incrementAndGet() < 0, Duration.ofMillis(500)))
                .isInstanceOf(AssertionError.class);

        // then the pauses grew from 5 ms towards 100 ms: about ten polls, not a hundred
        assertThat(polls.get()).isBetween(5, 20);
    }

    @Test
    void anInterruptedWaitFailsAndKeepsTheInterruptFlag() {
        // given
        Thread.currentThread().interrupt();

        // when / then
        try {
            assertThatThrownBy(() -> Await.until("an interrupted wait", () -> false, Duration.ofSeconds(30)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("Interrupted while waiting for an interrupted wait");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void rejectsATimeoutThatIsNotPositive() {
        assertThatThrownBy(() -> Await.until("x", () -> true, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be positive, was PT0S");
    }
}
