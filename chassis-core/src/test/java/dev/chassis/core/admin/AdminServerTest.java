package dev.chassis.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.json.JsonCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private AdminServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    private AdminServer start(AdminServer.Builder builder) {
        server = builder.host("127.0.0.1").port(0).build().start();
        return server;
    }

    private HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body)
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, HttpRequest.BodyPublishers.noBody());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> response) {
        return JsonCodec.defaults().read(response.body(), Map.class);
    }

    @Test
    void servesRouteWithUrlDecodedPathParametersAndQuery() throws Exception {
        // given
        start(AdminServer.builder().route(AdminRoute.get("/chassis/breakers/{name}/state",
                request -> AdminResponse.json(200, Map.of(
                        "name", request.pathParam("name"),
                        "path", request.path(),
                        "verbose", request.queryParam("verbose").orElse("absent"))))));

        // when
        HttpResponse<String> response = get("/chassis/breakers/pay%20ments%2Fv1+x/state?verbose=a+b%21");

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(response)).containsEntry("name", "pay ments/v1+x")
                .containsEntry("path", "/chassis/breakers/pay ments/v1+x/state")
                .containsEntry("verbose", "a b!");
    }

    @Test
    void filtersRunAroundEveryRequestInTheOrderAddedAndMayAnswerThemselves() throws Exception {
        // given
        start(AdminServer.builder()
                .route(AdminRoute.get("/hello", request -> AdminResponse.json(200, Map.of("hello", "world"))))
                .filter(com.sun.net.httpserver.Filter.beforeHandler("tag", exchange ->
                        exchange.getResponseHeaders().add("X-Seen", "first")))
                .filter(new com.sun.net.httpserver.Filter() {
                    @Override
                    public void doFilter(com.sun.net.httpserver.HttpExchange exchange, Chain chain) throws IOException {
                        exchange.getResponseHeaders().add("X-Seen", "second");
                        if (exchange.getRequestURI().getPath().equals("/refused")) {
                            exchange.sendResponseHeaders(418, -1);
                            exchange.close();
                        } else {
                            chain.doFilter(exchange);
                        }
                    }

                    @Override
                    public String description() {
                        return "refuses /refused";
                    }
                }));

        // when
        HttpResponse<String> passed = get("/hello");
        HttpResponse<String> refused = get("/refused");

        // then
        assertThat(passed.statusCode()).isEqualTo(200);
        assertThat(passed.headers().allValues("X-Seen")).containsExactly("first", "second");
        assertThat(refused.statusCode()).isEqualTo(418);
    }

    @Test
    void literalSegmentWinsOverPathParameter() throws Exception {
        // given
        start(AdminServer.builder()
                .route(AdminRoute.get("/items/{id}", request -> AdminResponse.json(200, Map.of("route", "param"))))
                .route(AdminRoute.get("/items/all", request -> AdminResponse.json(200, Map.of("route", "literal")))));

        // when
        Map<String, Object> all = json(get("/items/all"));
        Map<String, Object> one = json(get("/items/7"));

        // then
        assertThat(all).containsEntry("route", "literal");
        assertThat(one).containsEntry("route", "param");
    }

    @Test
    void postBodyReachesTheHandler() throws Exception {
        // given
        start(AdminServer.builder().route(AdminRoute.post("/echo",
                request -> AdminResponse.text(200, "text/plain", new String(request.body(), StandardCharsets.UTF_8)))));

        // when
        HttpResponse<String> response = send("POST", "/echo", HttpRequest.BodyPublishers.ofString("héllo"));

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("héllo");
    }

    @Test
    void unknownPathAnswers404WithJsonError() throws Exception {
        // given
        start(AdminServer.builder());

        // when
        HttpResponse<String> response = get("/nope");

        // then
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("error").toString()).contains("/nope");
    }

    @Test
    void knownPathWithOtherMethodAnswers405WithAllowHeader() throws Exception {
        // given
        start(AdminServer.builder()
                .route(AdminRoute.get("/things/{id}", request -> AdminResponse.json(200, Map.of())))
                .route(AdminRoute.post("/things/{id}", request -> AdminResponse.json(200, Map.of()))));

        // when
        HttpResponse<String> response = send("DELETE", "/things/1", HttpRequest.BodyPublishers.noBody());

        // then
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, POST");
        assertThat(json(response).get("error").toString()).contains("DELETE");
    }

    @Test
    void bodyOverTheLimitAnswers413WithoutCallingTheHandler() throws Exception {
        // given
        var calls = new java.util.concurrent.atomic.AtomicInteger();
        start(AdminServer.builder().maxBodyBytes(1024).route(AdminRoute.post("/upload", request -> {
            calls.incrementAndGet();
            return AdminResponse.json(200, Map.of());
        })));
        byte[] big = new byte[4096];

        // when
        HttpResponse<String> declared = send("POST", "/upload", HttpRequest.BodyPublishers.ofByteArray(big));
        HttpResponse<String> streamed = send("POST", "/upload",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
        HttpResponse<String> small = send("POST", "/upload", HttpRequest.BodyPublishers.ofByteArray(new byte[1024]));

        // then
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(json(declared).get("error").toString()).contains("1024");
        assertThat(streamed.statusCode()).isEqualTo(413);
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(calls).hasValue(1);
    }

    @Test
    void bodyDeclaredOverTheLimitIsAnsweredWithoutReadingItAndTheConnectionIsClosed() throws Exception {
        // given
        start(AdminServer.builder().maxBodyBytes(1024)
                .route(AdminRoute.post("/upload", request -> AdminResponse.json(200, Map.of()))));

        // when: a client declares 10 MB and sends only the headers and a little of it
        String response = rawExchange("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000\r\n\r\n"
                + "x".repeat(2048));

        // then: the reading above ended because the server closed the connection
        assertThat(response).startsWith("HTTP/1.1 413").contains("exceeds the limit of 1024 bytes");
    }

    @Test
    void malformedPercentEscapeIsRejectedWith400() throws Exception {
        // given
        start(AdminServer.builder().route(AdminRoute.get("/items/{id}", request -> AdminResponse.json(200, Map.of()))));

        // when
        String response = rawExchange("GET /items/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        // then
        assertThat(response).startsWith("HTTP/1.1 400");
    }

    /** Sends raw bytes, half-closes, and reads until the server closes the connection. */
    private String rawExchange(String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void defaultBodyLimitIs64KiB() throws Exception {
        // given
        start(AdminServer.builder().route(AdminRoute.post("/upload", request -> AdminResponse.json(200, Map.of()))));

        // when
        HttpResponse<String> atLimit = send("POST", "/upload",
                HttpRequest.BodyPublishers.ofByteArray(new byte[64 * 1024]));
        HttpResponse<String> overLimit = send("POST", "/upload",
                HttpRequest.BodyPublishers.ofByteArray(new byte[64 * 1024 + 1]));

        // then
        assertThat(atLimit.statusCode()).isEqualTo(200);
        assertThat(overLimit.statusCode()).isEqualTo(413);
    }

    @Test
    void handlerExceptionAnswers500WithoutLeakingDetails() throws Exception {
        // given
        start(AdminServer.builder().route(AdminRoute.get("/boom", request -> {
            throw new IllegalStateException("secret-internal-detail");
        })));

        // when
        HttpResponse<String> response = get("/boom");

        // then
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(json(response)).containsOnlyKeys("error");
        assertThat(response.body()).doesNotContain("secret-internal-detail").doesNotContain("IllegalStateException");
    }

    @Test
    void serverKeepsServingAfterAHandlerFailed() throws Exception {
        // given
        start(AdminServer.builder()
                .route(AdminRoute.get("/boom", request -> null))
                .route(AdminRoute.get("/ok", request -> AdminResponse.json(200, Map.of("ok", true)))));

        // when
        int failed = get("/boom").statusCode();
        int ok = get("/ok").statusCode();

        // then
        assertThat(failed).isEqualTo(500);
        assertThat(ok).isEqualTo(200);
    }

    @Test
    void chassisListsAllRoutes() throws Exception {
        // given
        start(AdminServer.builder()
                .route(AdminRoute.get("/health", request -> AdminResponse.json(200, Map.of())))
                .route(AdminRoute.post("/chassis/breakers/{name}/reset", request -> AdminResponse.json(200, Map.of()))));

        // when
        HttpResponse<String> response = get("/chassis");

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("routes")).isEqualTo(List.of(
                Map.of("method", "GET", "path", "/chassis"),
                Map.of("method", "POST", "path", "/chassis/breakers/{name}/reset"),
                Map.of("method", "GET", "path", "/health")));
    }

    @Test
    void duplicateRouteFailsAtBuildTimeNamingIt() {
        // given
        AdminServer.Builder builder = AdminServer.builder()
                .route(AdminRoute.get("/chassis/breakers/{name}", request -> AdminResponse.json(200, Map.of())))
                .route(AdminRoute.get("/chassis/breakers/{id}", request -> AdminResponse.json(200, Map.of())));

        // when / then
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GET /chassis/breakers/{id}")
                .hasMessageContaining("/chassis/breakers/{name}");
    }

    @Test
    void routeClashingWithTheBuiltInListingFailsAtBuildTime() {
        // given
        AdminServer.Builder builder = AdminServer.builder()
                .route(AdminRoute.get("/chassis", request -> AdminResponse.json(200, Map.of())));

        // when / then
        assertThatThrownBy(builder::build).hasMessageContaining("duplicate admin route GET /chassis");
    }

    @Test
    void sameTemplateWithDifferentMethodsIsNoDuplicate() {
        // given
        AdminServer.Builder builder = AdminServer.builder()
                .route(AdminRoute.get("/x", request -> AdminResponse.json(200, Map.of())))
                .route(AdminRoute.post("/x", request -> AdminResponse.json(200, Map.of())));

        // when
        AdminServer built = builder.build();

        // then
        assertThat(built.routes()).extracting(AdminRoute::method).containsExactly("GET", "GET", "POST");
    }

    @Test
    void portZeroBindsAnEphemeralPortAndPortIsUnknownBeforeStart() {
        // given
        AdminServer notStarted = AdminServer.builder().port(0).build();

        // when
        start(AdminServer.builder());

        // then
        assertThat(server.port()).isPositive();
        assertThatThrownBy(notStarted::port).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void portInUseFailsWithATypedErrorSayingWhatToFix() {
        // given
        start(AdminServer.builder());
        AdminServer second = AdminServer.builder().host("127.0.0.1").port(server.port()).build();

        // when / then
        assertThatThrownBy(second::start)
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining(String.valueOf(server.port()))
                .hasMessageContaining("port(");
    }

    @Test
    void stoppedServerRefusesConnectionsAndCannotRestart() throws Exception {
        // given
        start(AdminServer.builder());
        int port = server.port();

        // when
        server.stop(Duration.ZERO);

        // then
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/chassis")).build();
        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stopWaitsForARequestInProgress() throws Exception {
        // given
        var entered = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        start(AdminServer.builder().route(AdminRoute.get("/slow", request -> {
            entered.countDown();
            release.await();
            return AdminResponse.json(200, Map.of("done", true));
        })));
        var pending = client.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/slow")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        // when
        var stopping = java.util.concurrent.CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(10)));
        org.awaitility.Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                .until(() -> !stopping.isDone());
        release.countDown();
        stopping.get(10, java.util.concurrent.TimeUnit.SECONDS);

        // then
        assertThat(pending.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void invalidConfigurationIsRejectedNamingTheParameter() {
        assertThatThrownBy(() -> AdminServer.builder().port(70_000)).hasMessageContaining("port");
        assertThatThrownBy(() -> AdminServer.builder().threads(0)).hasMessageContaining("threads");
        assertThatThrownBy(() -> AdminServer.builder().maxBodyBytes(-1)).hasMessageContaining("maxBodyBytes");
        assertThatThrownBy(() -> AdminServer.builder().host(" ")).hasMessageContaining("host");
        assertThatThrownBy(() -> AdminServer.builder().route(null)).hasMessageContaining("route");
    }
}
