package dev.chassis.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.discovery.InstancesListener;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import dev.chassis.discovery.ServiceRegistry;
import dev.chassis.discovery.Watch;
import dev.chassis.discovery.balancer.LoadBalancer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own answers to a request whose body is still on its way: the connection must stay
 * usable for the client's next request, or the answer must say {@code Connection: close}. A client
 * (like the JDK's) sends the headers and the body in separate writes, so the gateway may decide
 * before the body arrived; if it then closed the connection without saying so, the client would send
 * its next request into a closing connection and get no answer at all.
 */
class GatewayConnectionReuseTest {
    private static final String UNAVAILABLE = "{\"error\":\"Service temporarily unavailable\"}";
    private static final String BODY = "{\"customerId\":\"c-1\",\"lines\":[{\"sku\":\"SKU-1\",\"quantity\":1}]}";

    private final BlockingQueue<String> lookups = new LinkedBlockingQueue<>();
    private InMemoryServiceRegistry registry;
    private ApiGateway gateway;

    @BeforeEach
    void startGateway() {
        registry = InMemoryServiceRegistry.create();
        gateway = ApiGateway.builder(new SignallingRegistry(registry, lookups))
                .host("127.0.0.1")
                .port(0)
                .loadBalancer(LoadBalancer.roundRobin())
                .maxRequestBodySize(1024)
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        gateway.close();
        registry.close();
    }

    @Test
    void keepsTheConnectionWhenItAnswers503BeforeTheBodyArrived() throws Exception {
        try (Socket socket = connect()) {
            // given: no instance of order-service

            // when: a POST whose body follows after the gateway looked the service up, then a second one
            List<RawHttp.Reply> replies = bodyAfterTheLookupThenASecondRequest(socket);

            // then: both are answered with the fallback, on a connection that stays open
            assertThat(replies).hasSize(2).allSatisfy(reply -> {
                assertThat(reply.status()).isEqualTo(503);
                assertThat(reply.body()).isEqualTo(UNAVAILABLE);
                assertThat(reply.header("connection")).isNull();
            });
        }
    }

    @Test
    void keepsTheConnectionWhenTheInstanceRefusesConnectionsBeforeTheBodyArrived() throws Exception {
        // given
        registry.register(new Registration(ServiceInstance.of("order-service", "orders-dead", "127.0.0.1",
                freePortWithNothingListening()), HealthCheckSpec.none()));
        try (Socket socket = connect()) {
            // when
            List<RawHttp.Reply> replies = bodyAfterTheLookupThenASecondRequest(socket);

            // then: the connection carries both answers, or the first one says it closes
            assertThat(replies).isNotEmpty();
            assertThat(replies.get(0).status()).isEqualTo(503);
            assertThat(replies.get(0).body()).isEqualTo(UNAVAILABLE);
            if (replies.size() == 1) {
                assertThat(replies.get(0).header("connection")).isEqualTo("close");
            } else {
                assertThat(replies.get(1).status()).isEqualTo(503);
            }
        }
    }

    @Test
    void saysConnectionCloseWhenItRefusesABodyItWillNotRead() throws Exception {
        try (Socket socket = connect()) {
            // when: a declared body over the limit
            write(socket, postHead(2048));

            // then
            List<RawHttp.Reply> replies = RawHttp.readReplies("", socket.getInputStream(), 1);
            assertThat(replies).hasSize(1);
            assertThat(replies.get(0).status()).isEqualTo(413);
            assertThat(replies.get(0).header("connection")).isEqualTo("close");
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", gateway.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private String postHead(int contentLength) {
        return "POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1:" + gateway.port() + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n";
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Gives a gateway that answers without the body the time to do so (and to close), so that the
     * body is sent after that; a gateway that waits for the body sends nothing meanwhile.
     */
    private static String readWithin(Socket socket, int millis) throws IOException {
        ByteArrayOutputStream early = new ByteArrayOutputStream();
        socket.setSoTimeout(millis);
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                early.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException expected) {
            // nothing more within the time: the gateway waits for the body
        } finally {
            socket.setSoTimeout(10_000);
        }
        return early.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends the head of a POST, waits until the gateway looked order-service up (and up to 300 ms for
     * an early answer), then the body and a second POST on the same connection; reads up to two replies.
     */
    private List<RawHttp.Reply> bodyAfterTheLookupThenASecondRequest(Socket socket) throws Exception {
        write(socket, postHead(BODY.length()));
        assertThat(lookups.poll(10, TimeUnit.SECONDS)).isEqualTo("order-service");
        String early = readWithin(socket, 300);
        write(socket, BODY + postHead(BODY.length()) + BODY);
        return RawHttp.readReplies(early, socket.getInputStream(), 2);
    }

    private static int freePortWithNothingListening() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The registry, telling the test each time the gateway looks a service up. */
    private record SignallingRegistry(ServiceRegistry delegate, BlockingQueue<String> lookups) implements ServiceRegistry {
        @Override
        public void register(Registration registration) {
            delegate.register(registration);
        }

        @Override
        public void deregister(String instanceId) {
            delegate.deregister(instanceId);
        }

        @Override
        public List<ServiceInstance> healthyInstances(String service) {
            List<ServiceInstance> instances = new ArrayList<>(delegate.healthyInstances(service));
            lookups.add(service);
            return instances;
        }

        @Override
        public Watch watch(String service, InstancesListener listener) {
            return delegate.watch(service, listener);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
