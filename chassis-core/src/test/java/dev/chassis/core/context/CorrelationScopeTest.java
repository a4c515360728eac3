package dev.chassis.core.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // scopes are held for their effect
class CorrelationScopeTest {
    private final CorrelationContext outer = CorrelationContext.of("outer");
    private final CorrelationContext inner = CorrelationContext.of("inner");

    @AfterEach
    void threadIsClean() {
        assertThat(CorrelationContext.current()).isEmpty();
    }

    @Test
    void noContextOutsideAnyScope() {
        assertThat(CorrelationContext.current()).isEmpty();
    }

    @Test
    void nestedScopesRestoreThePreviousContext() {
        // when / then
        try (CorrelationScope a = outer.makeCurrent()) {
            assertThat(CorrelationContext.current()).contains(outer);
            try (CorrelationScope b = inner.makeCurrent()) {
                assertThat(CorrelationContext.current()).contains(inner);
            }
            assertThat(CorrelationContext.current()).contains(outer);
        }
        assertThat(CorrelationContext.current()).isEmpty();
    }

    @Test
    void closingTwiceDoesNothing() {
        // given
        CorrelationScope a = outer.makeCurrent();
        CorrelationScope b = inner.makeCurrent();
        b.close();

        // when
        b.close();

        // then
        assertThat(CorrelationContext.current()).contains(outer);
        a.close();
    }

    @Test
    void closingOutOfOrderKeepsTheInnermostOpenScopeAndRestoresOnceAllAreClosed() {
        // given
        CorrelationScope a = outer.makeCurrent();
        CorrelationScope b = inner.makeCurrent();

        // when
        a.close();

        // then
        assertThat(CorrelationContext.current()).contains(inner);
        b.close();
        assertThat(CorrelationContext.current()).isEmpty();
    }

    @Test
    void closingOutOfOrderInsideAnEnclosingScopeReturnsToTheEnclosingContext() {
        // given
        CorrelationContext base = CorrelationContext.of("base");
        try (CorrelationScope enclosing = base.makeCurrent()) {
            CorrelationScope a = outer.makeCurrent();
            CorrelationScope b = inner.makeCurrent();

            // when
            a.close();
            b.close();

            // then
            assertThat(CorrelationContext.current()).contains(base);
        }
    }

    @Test
    void scopeMustBeClosedOnItsOwnThread() throws Exception {
        // given
        CorrelationScope scope = outer.makeCurrent();
        try {
            // when
            Throwable failure = CompletableFuture.supplyAsync(() -> {
                try {
                    scope.close();
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            }).get(10, TimeUnit.SECONDS);

            // then
            assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("thread that opened it");
            assertThat(CorrelationContext.current()).contains(outer);
        } finally {
            scope.close();
        }
    }

    @Test
    void scopeIsPerThread() throws Exception {
        // given
        try (CorrelationScope scope = outer.makeCurrent()) {
            // when
            var seenElsewhere = CompletableFuture.supplyAsync(CorrelationContext::current).get(10, TimeUnit.SECONDS);

            // then
            assertThat(seenElsewhere).isEmpty();
        }
    }
}
