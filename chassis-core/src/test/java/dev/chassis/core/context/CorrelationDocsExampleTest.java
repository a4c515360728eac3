package dev.chassis.core.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the examples of docs/correlation.md; keep both in step. */
@SuppressWarnings("try") // scopes are held for their effect
class CorrelationDocsExampleTest {

    @Test
    void derivesTheNextHopFromTheIncomingRequest() {
        // given
        String header = "req-7";

        // when
        CorrelationContext ctx = CorrelationContext.fromIncoming(header, null);
        CorrelationContext next = ctx.causedBy("msg-42");

        // then
        assertThat(next.correlationId()).isEqualTo("req-7");
        assertThat(next.causationId()).contains("msg-42");
    }

    @Test
    void wrappedExecutorCarriesTheSubmittersContext() throws Exception {
        // given
        ExecutorService pool = Executors.newFixedThreadPool(4);
        ExecutorService workers = CorrelationContext.wrap(pool);
        CorrelationContext ctx = CorrelationContext.fromIncoming(null, null);
        try {
            // when
            Future<Optional<CorrelationContext>> seen;
            try (CorrelationScope scope = ctx.makeCurrent()) {
                seen = workers.submit(CorrelationContext::current);
            }

            // then
            assertThat(seen.get(10, TimeUnit.SECONDS)).contains(ctx);
            assertThat(CorrelationContext.current()).isEmpty();
        } finally {
            workers.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
