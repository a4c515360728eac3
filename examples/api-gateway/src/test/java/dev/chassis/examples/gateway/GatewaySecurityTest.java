package dev.chassis.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.HealthCheckSpec;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The edge rules, with raw requests over sockets: a recording user-service behind the gateway, and a
 * canary server on the same host that no request may ever reach.
 */
class GatewaySecurityTest {
    private RecordingUpstream users;
    private RecordingUpstream canary;
    private InMemoryServiceRegistry registry;
    private ApiGateway gateway;
    private int port;

    @BeforeEach
    void startGateway() throws IOException {
        users = RecordingUpstream.start("user-service");
        canary = RecordingUpstream.start("canary");
        registry = InMemoryServiceRegistry.create();
        registry.register(new Registration(ServiceInstance.of("user-service", "users-1", "127.0.0.1", users.port()),
                HealthCheckSpec.none()));
        gateway = ApiGateway.builder(registry).host("127.0.0.1").port(0).maxRequestBodySize(1000).build().start();
        port = gateway.port();
    }

    @AfterEach
    void stop() {
        gateway.close();
        registry.close();
        users.close();
        canary.close();
    }

    @Test
    void forwardsAnOrdinaryRequestWithThePrefixRewritten() throws IOException {
        // when
        RawHttp.Reply reply = RawHttp.get(port, "/api/users/42?active=true");

        // then
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("{\"upstream\":\"user-service\"}");
        assertThat(users.last().rawPath()).isEqualTo("/users/42");
        assertThat(users.last().rawQuery()).isEqualTo("active=true");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "//127.0.0.1:%d/x",
        "/api/users/..%%2f..%%2fadmin",
        "/api/users/%%2e%%2e/admin",
        "/api/users/%%2E%%2E",
        "/api/users%%2f..",
        "/api/users%%2F42",
        "/api/users/42%%2Fx",
        "/api/users/..",
        "/api/users/../orders",
        "/api/users/./42",
        "/api/users\\..\\orders",
        "/api/users/42\\x",
        "/api/users/%%5c..",
        "/api/users/%%252e%%252e",
        "/api/users/..;/admin",
        "/api/users;x=1/42",
        "/api/users/%%00",
        "@127.0.0.1:%d/x",
        "127.0.0.1:%d/x",
    })
    void refusesTargetsThatCouldBeReadTwoWays(String template) throws IOException {
        // given
        String target = template.formatted(canary.port());

        // when
        RawHttp.Reply reply = RawHttp.get(port, target);

        // then
        assertThat(reply.status()).as(target).isEqualTo(400);
        assertThat(reply.header("content-type")).startsWith("application/json");
        assertThat(reply.body()).isEqualTo("{\"error\":\"Bad request\"}");
        assertThat(users.requests()).isEmpty();
        assertThat(canary.requests()).isEmpty();
    }

    @Test
    void refusesAnAbsoluteFormTargetNamingAnotherHost() throws IOException {
        // when
        RawHttp.Reply reply = RawHttp.get(port, "http://127.0.0.1:" + canary.port() + "/api/users/1");

        // then
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body()).isEqualTo("{\"error\":\"Bad request\"}");
        assertThat(canary.requests()).isEmpty();
        assertThat(users.requests()).isEmpty();
    }

    @Test
    void sendsAnAbsoluteFormTargetNamingTheGatewayToTheRegisteredInstanceOnly() throws IOException {
        // when
        RawHttp.Reply reply = RawHttp.get(port, "http://127.0.0.1:" + port + "/api/users/1");

        // then
        assertThat(reply.status()).isEqualTo(200);
        assertThat(users.last().rawPath()).isEqualTo("/users/1");
        assertThat(canary.requests()).isEmpty();
    }

    @Test
    void keepsAnAtSignInThePathAsPathOnTheRegisteredInstance() throws IOException {
        // when
        RawHttp.Reply reply = RawHttp.get(port, "/api/users/@127.0.0.1:" + canary.port() + "/x");

        // then
        assertThat(reply.status()).isEqualTo(200);
        assertThat(users.last().rawPath()).isEqualTo("/users/@127.0.0.1:" + canary.port() + "/x");
        assertThat(canary.requests()).isEmpty();
    }

    @Test
    void answersAnUnknownRouteWith404Json() throws IOException {
        // when
        RawHttp.Reply prefixOnly = RawHttp.get(port, "/api/usersX/1");
        RawHttp.Reply other = RawHttp.get(port, "/admin");

        // then
        assertThat(prefixOnly.status()).isEqualTo(404);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.header("content-type")).startsWith("application/json");
        assertThat(other.body()).isEqualTo("{\"error\":\"No route for this path\"}");
        assertThat(users.requests()).isEmpty();
    }

    @Test
    void refusesContentLengthTogetherWithTransferEncoding() throws IOException {
        // when
        RawHttp.Reply reply = RawHttp.send(port, "POST /api/users HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "0\r\n\r\nGET /api/users/smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

        // then
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body()).isEqualTo("{\"error\":\"Bad request\"}");
        assertThat(users.requests()).isEmpty();
    }

    @Test
    void refusesTwoContentLengths() throws IOException {
        // when
        RawHttp.Reply reply = RawHttp.send(port, "POST /api/users HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: 5\r\nContent-Length: 41\r\nConnection: close\r\n\r\nhello");

        // then
        assertThat(reply.status()).isEqualTo(400);
        assertThat(users.requests()).isEmpty();
    }

    @Test
    void refusesADeclaredBodyOverTheLimitBeforeForwarding() throws IOException {
        // when
        RawHttp.Reply reply = RawHttp.send(port, "POST /api/users HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 1001\r\nConnection: close\r\n\r\n" + "x".repeat(1001));

        // then
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.body()).isEqualTo("{\"error\":\"Request body too large\"}");
        assertThat(users.requests()).isEmpty();
    }

    @Test
    void refusesAChunkedBodyThatGrowsOverTheLimit() throws IOException {
        // given
        String chunk = Integer.toHexString(600) + "\r\n" + "y".repeat(600) + "\r\n";

        // when
        RawHttp.Reply reply = RawHttp.send(port, "POST /api/users HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + chunk + chunk + "0\r\n\r\n");

        // then
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.body()).isEqualTo("{\"error\":\"Request body too large\"}");
        assertThat(users.requests()).allSatisfy(seen -> assertThat(seen.body().length()).isLessThanOrEqualTo(1000));
    }

    @Test
    void forwardsABodyWithinTheLimit() throws IOException {
        // when
        RawHttp.Reply reply = RawHttp.send(port, "POST /api/users HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{\"name\":\"a\"}");

        // then
        assertThat(reply.status()).isEqualTo(200);
        assertThat(users.last().method()).isEqualTo("POST");
        assertThat(users.last().rawPath()).isEqualTo("/users");
        assertThat(users.last().body()).isEqualTo("{\"name\":\"a\"}");
    }

    @Test
    void replacesClientForwardingHeadersWithTheConnectionsOwn() throws IOException {
        // when
        RawHttp.get(port, "/api/users/1",
                "X-Forwarded-For: 6.6.6.6",
                "X-Forwarded-Proto: https",
                "X-Forwarded-Host: evil.example",
                "X-Real-IP: 6.6.6.6",
                "Forwarded: for=6.6.6.6;proto=https");

        // then
        RecordingUpstream.Recorded seen = users.last();
        assertThat(seen.header("x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(seen.header("x-forwarded-proto")).isEqualTo("http");
        assertThat(seen.header("x-forwarded-host")).isEqualTo("127.0.0.1:" + port);
        assertThat(seen.headers()).doesNotContainKeys("x-real-ip", "forwarded");
        assertThat(seen.header("host")).isEqualTo("127.0.0.1:" + users.port());
        assertThat(seen.header("via")).isEqualTo("1.1 api-gateway");
    }

    @Test
    void dropsHopByHopHeaders() throws IOException {
        // when
        RawHttp.Reply reply = RawHttp.get(port, "/api/users/1",
                "Connection: X-Secret-Hop, keep-alive",
                "X-Secret-Hop: 1",
                "Keep-Alive: timeout=5",
                "Proxy-Authorization: Basic Zm9vOmJhcg==",
                "Proxy-Foo: bar",
                "TE: trailers",
                "Trailer: X-Checksum",
                "X-Kept: yes");

        // then
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        RecordingUpstream.Recorded seen = users.last();
        assertThat(seen.headers()).doesNotContainKeys("x-secret-hop", "keep-alive", "proxy-authorization", "proxy-foo",
                "te", "trailer", "upgrade");
        assertThat(seen.header("x-kept")).isEqualTo("yes");
    }

    @Test
    void neverPassesAnUpgradeOn() throws IOException {
        // when
        RawHttp.Reply reply = RawHttp.send(port, "GET /api/users/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");

        // then
        assertThat(reply.status()).isIn(200, 400);
        assertThat(users.requests()).allSatisfy(seen -> assertThat(seen.headers()).doesNotContainKeys("upgrade", "connection"));
    }

    @Test
    void refusesConnectAndTrace() throws IOException {
        // when
        RawHttp.Reply trace = RawHttp.send(port, "TRACE /api/users/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        RawHttp.Reply connect = RawHttp.send(port, "CONNECT 127.0.0.1:" + canary.port()
                + " HTTP/1.1\r\nHost: 127.0.0.1:" + canary.port() + "\r\nConnection: close\r\n\r\n");

        // then
        assertThat(trace.status()).isEqualTo(405);
        assertThat(connect.status()).isIn(400, 405);
        assertThat(users.requests()).isEmpty();
        assertThat(canary.requests()).isEmpty();
    }

    @Test
    void refusesOversizedHeadersWithJson() throws IOException {
        // when
        RawHttp.Reply reply = RawHttp.get(port, "/api/users/1", "X-Big: " + "z".repeat(10_000));

        // then
        assertThat(reply.status()).isEqualTo(431);
        assertThat(reply.body()).isEqualTo("{\"error\":\"Request headers too large\"}");
        assertThat(users.requests()).isEmpty();
    }
}
