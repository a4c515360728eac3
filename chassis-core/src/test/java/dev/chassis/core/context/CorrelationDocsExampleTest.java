package dev.chassis.core.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the examples of docs/correlation.md; keep both in step. */
@SuppressWarnings("try") // scopes are held for their effect
class CorrelationDocsExampleTest {
    /** An incoming HTTP request, as far as the samples need one. */
    record Request(Map<String, String> headers) {
        String header(String name) {
            return headers.get(name);
        }
    }

    record Order(String id) {}

    record Receipt(String orderId, Optional<CorrelationContext> context) {}

    record Quote(String orderId, Optional<CorrelationContext> context) {}

    /** The context each piece of sample work saw as current, in the order it ran. */
    private final List<Optional<CorrelationContext>> seen = new CopyOnWriteArrayList<>();

    private void handle(Request request) {
        seen.add(CorrelationContext.current());
    }

    private void ship(Order order) {
        seen.add(CorrelationContext.current());
    }

    private Receipt charge(Order order) {
        return new Receipt(order.id(), CorrelationContext.current());
    }

    private Quote price(Order order) {
        return new Quote(order.id(), CorrelationContext.current());
    }

    @Test
    void createsAndDerivesContexts() {
        // given / when
        CorrelationContext start = CorrelationContext.generate();           // new correlation id, no cause
        CorrelationContext known = CorrelationContext.of("order-flow-1");    // an id you trust
        CorrelationContext next = start.causedBy("msg-42");                  // same correlation id, caused by msg-42

        // then
        assertThat(CorrelationId.isValid(start.correlationId())).isTrue();
        assertThat(start.causationId()).isEmpty();
        assertThat(known.correlationId()).isEqualTo("order-flow-1");
        assertThat(known.causationId()).isEmpty();
        assertThat(next.correlationId()).isEqualTo(start.correlationId());
        assertThat(next.causationId()).contains("msg-42");
    }

    @Test
    void readsTheIdsOfAnIncomingRequest() {
        // given
        Request request = new Request(Map.of("x-correlation-id", "req-7", "x-causation-id", "msg-41"));

        // when
        CorrelationContext ctx = CorrelationContext.fromIncoming(
                request.header("x-correlation-id"), request.header("x-causation-id"));

        // then
        assertThat(ctx.correlationId()).isEqualTo("req-7");
        assertThat(ctx.causationId()).contains("msg-41");
    }

    @Test
    void replacesMissingOrHostileIncomingIds() {
        // given
        Request request = new Request(Map.of("x-causation-id", "evil\r\nINFO forged"));

        // when
        CorrelationContext ctx = CorrelationContext.fromIncoming(
                request.header("x-correlation-id"), request.header("x-causation-id"));

        // then
        assertThat(CorrelationId.isValid(ctx.correlationId())).isTrue();
        assertThat(ctx.causationId()).isEmpty();
    }

    @Test
    void makesTheContextCurrentAtTheEdge() {
        // given
        Request request = new Request(Map.of());
        CorrelationContext ctx = CorrelationContext.of("req-7");

        // when
        try (CorrelationScope scope = ctx.makeCurrent()) {
            handle(request);                                          // CorrelationContext.current() is ctx here
        }

        // then
        assertThat(seen).containsExactly(Optional.of(ctx));
        assertThat(CorrelationContext.current()).isEmpty();
    }

    @Test
    void asyncWorkRunsWithTheContextItWasBoundTo() throws Exception {
        // given
        CorrelationContext ctx = CorrelationContext.of("order-flow-1");
        Order order = new Order("order-42");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // when
            // bind a task to a context, wherever and whenever it runs
            Runnable task = ctx.wrap(() -> ship(order));
            Callable<Receipt> call = ctx.wrap(() -> charge(order));
            CompletableFuture<Quote> quote = CompletableFuture.supplyAsync(ctx.wrapSupplier(() -> price(order)), pool);

            // or wrap the executor once: every task runs with the context current when it was submitted
            ExecutorService workers = CorrelationContext.wrap(Executors.newFixedThreadPool(4));
            try (CorrelationScope scope = ctx.makeCurrent()) {
                workers.submit(() -> ship(order));                        // runs with ctx
            }
            workers.shutdown();
            assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            pool.submit(task).get(10, TimeUnit.SECONDS);
            Receipt receipt = call.call();

            // then: each piece of work saw ctx, although none ran inside a scope of its own
            assertThat(seen).containsExactly(Optional.of(ctx), Optional.of(ctx));
            assertThat(receipt.context()).contains(ctx);
            assertThat(quote.get(10, TimeUnit.SECONDS).context()).contains(ctx);
            assertThat(CorrelationContext.current()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

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
