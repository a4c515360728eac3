package dev.chassis.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.client.ServiceClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throughput and added latency of {@link ServiceClient} against a raw JDK {@link HttpClient}, in the
 * same run, to the same local JDK {@code HttpServer} that answers every request with a fixed 2-byte body.
 *
 * <p>Both sides share one {@code HttpClient} (HTTP/1.1). The raw side sends a prebuilt request to
 * {@code http://127.0.0.1:port/orders/1}; the service client sends a prebuilt request to
 * {@code http://orders/orders/1} and resolves it through an {@link InMemoryServiceRegistry} holding the
 * one instance, its default balancer (power of two choices with outlier ejection), a per-instance
 * circuit breaker and its timeout, as an application would use it. A few caller threads send
 * back to back for a fixed time; rounds alternate between the sides after two warm-up rounds each.
 * Reported: the median round of each side with the latency percentiles of all its measured rounds,
 * the ratio of the medians, and the median of the ratios of consecutive round pairs (which a drifting
 * machine load disturbs less). Last, the client's own work per call apart from the network: the same
 * {@code send} against a stub {@code HttpClient} that answers at once, in ns and bytes allocated per call.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.chassis.benchmarks.ServiceClientBenchmark [seconds] [rounds] [callers]
 * </pre>
 */
public final class ServiceClientBenchmark {
    private static final byte[] BODY = "ok".getBytes(StandardCharsets.UTF_8);

    private ServiceClientBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: seconds per round (default 2), measured rounds per side (default 10), caller
     *     threads (default 4)
     * @throws Exception if the local server cannot start or a call fails
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int callers = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        // the JDK server writes headers and body separately; without this each response waits for a delayed ACK
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        ExecutorService serverThreads = Executors.newFixedThreadPool(callers);
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
                exchange.sendResponseHeaders(200, BODY.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(BODY);
                }
            }
        });
        server.setExecutor(serverThreads);
        server.start();
        int port = server.getAddress().getPort();
        ExecutorService callerThreads = Executors.newFixedThreadPool(callers);
        try (InMemoryServiceRegistry registry = InMemoryServiceRegistry.create()) {
            registry.register(new Registration(ServiceInstance.of("orders", "orders-1", "127.0.0.1", port),
                    HealthCheckSpec.none()));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            ServiceClient client = ServiceClient.builder(registry).httpClient(http).build();
            HttpRequest rawRequest = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders/1")).build();
            HttpRequest serviceRequest = HttpRequest.newBuilder(URI.create("http://orders/orders/1")).build();
            Callable<Integer> raw = () -> http.send(rawRequest, HttpResponse.BodyHandlers.discarding()).statusCode();
            Callable<Integer> chassis = () -> client.send(serviceRequest, HttpResponse.BodyHandlers.discarding()).statusCode();

            System.out.printf("callers=%d seconds/round=%d rounds=%d cores=%d%n", callers, seconds, rounds,
                    Runtime.getRuntime().availableProcessors());
            for (int w = 0; w < 2; w++) {
                round(callerThreads, callers, seconds, raw);
                round(callerThreads, callers, seconds, chassis);
            }
            List<Round> rawRounds = new ArrayList<>();
            List<Round> clientRounds = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                Round a = round(callerThreads, callers, seconds, raw);
                Round b = round(callerThreads, callers, seconds, chassis);
                rawRounds.add(a);
                clientRounds.add(b);
                System.out.printf("round %d: raw %.0f req/s, ServiceClient %.0f req/s (%.2f)%n", r + 1, a.rate(),
                        b.rate(), b.rate() / a.rate());
            }
            report("raw HttpClient", rawRounds);
            report("ServiceClient", clientRounds);
            double ratio = median(clientRounds) / median(rawRounds);
            double[] pairs = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                pairs[r] = clientRounds.get(r).rate() / rawRounds.get(r).rate();
            }
            Arrays.sort(pairs);
            double[] rawLat = latencies(rawRounds);
            double[] clientLat = latencies(clientRounds);
            System.out.printf("ratio ServiceClient/raw throughput=%.2f (of medians), %.2f (median of round pairs)"
                    + " added latency p50=%+.1f us p99=%+.1f us%n", ratio, pairs[rounds / 2],
                    (clientLat[0] - rawLat[0]) * 1000, (clientLat[1] - rawLat[1]) * 1000);
            ownWork(registry);
        } finally {
            callerThreads.shutdownNow();
            server.stop(0);
            serverThreads.shutdownNow();
        }
    }

    /**
     * The client's own work per call, apart from the network: the same {@code send} against an
     * {@link HttpClient} that answers at once with a canned 200, on one thread, with the bytes it allocates.
     */
    private static void ownWork(InMemoryServiceRegistry registry) {
        HttpClient stub = new StubHttpClient();
        ServiceClient client = ServiceClient.builder(registry).httpClient(stub).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://orders/orders/1")).build();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        int calls = 1_000_000;
        for (int r = 0; r < 5; r++) {
            long bytes = threads.getThreadAllocatedBytes(self);
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                client.send(request, HttpResponse.BodyHandlers.discarding());
            }
            long nanos = System.nanoTime() - start;
            bytes = threads.getThreadAllocatedBytes(self) - bytes;
            System.out.printf("own work, round %d: %.0f ns/call, %d B/call%n", r + 1, nanos / (double) calls,
                    bytes / calls);
        }
    }

    /** Answers every request at once with status 200 and no body. */
    private static final class StubHttpClient extends HttpClient {
        @Override
        public java.util.Optional<java.net.CookieHandler> cookieHandler() {
            return java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<Duration> connectTimeout() {
            return java.util.Optional.empty();
        }

        @Override
        public Redirect followRedirects() {
            return Redirect.NEVER;
        }

        @Override
        public java.util.Optional<java.net.ProxySelector> proxy() {
            return java.util.Optional.empty();
        }

        @Override
        public javax.net.ssl.SSLContext sslContext() {
            throw new UnsupportedOperationException("stub");
        }

        @Override
        public javax.net.ssl.SSLParameters sslParameters() {
            throw new UnsupportedOperationException("stub");
        }

        @Override
        public java.util.Optional<java.net.Authenticator> authenticator() {
            return java.util.Optional.empty();
        }

        @Override
        public Version version() {
            return Version.HTTP_1_1;
        }

        @Override
        public java.util.Optional<java.util.concurrent.Executor> executor() {
            return java.util.Optional.empty();
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
            return new StubResponse<>(request);
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                HttpResponse.BodyHandler<T> handler) {
            return java.util.concurrent.CompletableFuture.completedFuture(new StubResponse<>(request));
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> push) {
            return sendAsync(request, handler);
        }
    }

    private record StubResponse<T>(HttpRequest request) implements HttpResponse<T> {
        @Override
        public int statusCode() {
            return 200;
        }

        @Override
        public java.util.Optional<HttpResponse<T>> previousResponse() {
            return java.util.Optional.empty();
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            return java.net.http.HttpHeaders.of(java.util.Map.of(), (name, value) -> true);
        }

        @Override
        public T body() {
            return null;
        }

        @Override
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return java.util.Optional.empty();
        }

        @Override
        public URI uri() {
            return request.uri();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }

    private record Round(long calls, long nanos, long[] latencies) {
        double rate() {
            return calls * 1e9 / nanos;
        }
    }

    private static Round round(ExecutorService pool, int callers, int seconds, Callable<Integer> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        long durationNanos = seconds * 1_000_000_000L;
        List<Future<long[]>> futures = new ArrayList<>();
        for (int t = 0; t < callers; t++) {
            futures.add(pool.submit(() -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                start.await();
                long begin = System.nanoTime();
                long end = begin + durationNanos;
                long now = begin;
                while (now < end) {
                    if (call.call() != 200) {
                        throw new IllegalStateException("unexpected status");
                    }
                    long after = System.nanoTime();
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = after - now;
                    now = after;
                }
                long[] out = Arrays.copyOf(lat, n + 1);
                out[n] = now - begin; // the thread's elapsed time, last
                return out;
            }));
        }
        start.countDown();
        long calls = 0;
        long elapsed = 0;
        List<long[]> parts = new ArrayList<>();
        for (Future<long[]> f : futures) {
            long[] part = f.get();
            calls += part.length - 1;
            elapsed = Math.max(elapsed, part[part.length - 1]);
            parts.add(Arrays.copyOf(part, part.length - 1));
        }
        long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
        return new Round(calls, elapsed, all);
    }

    private static double median(List<Round> rounds) {
        double[] rates = rounds.stream().mapToDouble(Round::rate).sorted().toArray();
        return rates[rates.length / 2];
    }

    /** p50 and p99 in milliseconds over all rounds. */
    private static double[] latencies(List<Round> rounds) {
        long[] all = rounds.stream().flatMapToLong(r -> Arrays.stream(r.latencies())).sorted().toArray();
        return new double[] {all[(int) (all.length * 0.50)] / 1e6, all[(int) (all.length * 0.99)] / 1e6};
    }

    private static void report(String side, List<Round> rounds) {
        double[] lat = latencies(rounds);
        System.out.printf("%-15s median %.0f req/s (rounds %s) p50=%.3f ms p99=%.3f ms%n", side, median(rounds),
                rounds.stream().map(r -> String.format("%.0f", r.rate())).toList(), lat[0], lat[1]);
    }
}
