package dev.chassis.testkit.rabbit;

import static java.util.Objects.requireNonNull;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.jspecify.annotations.Nullable;

/**
 * A JUnit 5 extension for tests against a real RabbitMQ broker: its connection details, unique
 * exchange and queue names per test ({@link #names()}), and deletion of every exchange and queue
 * named that way when the test ends.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RabbitBroker rabbit = RabbitBroker.create();
 *
 * @Test
 * void deliversOrders() {
 *     String queue = rabbit.names().queue("orders");   // deleted after this test
 *     ... connect to rabbit.uri() and declare it ...
 * }
 * }</pre>
 *
 * <p>The broker is {@value #URI_VARIABLE} (default {@value #DEFAULT_URI}) unless {@link #of(String)}
 * names another. Registered in a {@code static} field, names asked for outside a test (in
 * {@code @BeforeAll}) are deleted after the class; registered in an instance field, everything is
 * per test. The extension checks on start that the broker accepts a connection, and fails with a
 * message naming the URI if not.
 *
 * <p>Instances are thread-safe; tests of one class that run in parallel share the names of the class.
 */
public final class RabbitBroker implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    /** The environment variable with the AMQP URI of the broker: {@value}. */
    public static final String URI_VARIABLE = "CHASSIS_TEST_RABBITMQ_URI";
    /** The broker used when {@value #URI_VARIABLE} is not set: {@value}. */
    public static final String DEFAULT_URI = "amqp://guest:guest@127.0.0.1:5672/%2F";

    private final URI uri;
    private final String username;
    private final String password;
    private final String virtualHost;
    private final Object lock = new Object();
    private @Nullable RabbitNames classNames;
    private @Nullable RabbitNames testNames;
    private @Nullable String owner;

    private RabbitBroker(URI uri) {
        this.uri = uri;
        String userInfo = uri.getRawUserInfo();
        String[] credentials = userInfo == null ? new String[] {"guest", "guest"} : userInfo.split(":", 2);
        this.username = decode(credentials[0]);
        this.password = credentials.length > 1 ? decode(credentials[1]) : "";
        String path = uri.getRawPath();
        this.virtualHost = path == null || path.length() <= 1 ? "/" : decode(path.substring(1));
    }

    /**
     * The broker named by {@value #URI_VARIABLE}, or {@value #DEFAULT_URI}.
     *
     * @return the extension
     */
    public static RabbitBroker create() {
        String fromEnvironment = System.getenv(URI_VARIABLE);
        return of(fromEnvironment == null || fromEnvironment.isBlank() ? DEFAULT_URI : fromEnvironment);
    }

    /**
     * The broker at an AMQP URI, {@code amqp://user:password@host:port/vhost} (the vhost URL-encoded,
     * {@code %2F} for {@code /}).
     *
     * @param uri the broker's URI
     * @return the extension
     * @throws IllegalArgumentException if the text is no {@code amqp://} URI with a host
     */
    public static RabbitBroker of(String uri) {
        requireNonNull(uri, "uri");
        try {
            URI parsed = new URI(uri);
            if (!"amqp".equals(parsed.getScheme()) || parsed.getHost() == null) {
                throw new IllegalArgumentException("uri must look like amqp://user:password@host:5672/%2F, was " + uri);
            }
            return new RabbitBroker(parsed);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("uri must look like amqp://user:password@host:5672/%2F, was " + uri, e);
        }
    }

    /** @return the broker's AMQP URI, with the password */
    public String uri() {
        return uri.toString();
    }

    /** @return the broker's host */
    public String host() {
        return uri.getHost();
    }

    /** @return the broker's port, 5672 unless the URI says otherwise */
    public int port() {
        return uri.getPort() == -1 ? 5672 : uri.getPort();
    }

    /** @return the user to connect as */
    public String username() {
        return username;
    }

    /** @return the user's password */
    public String password() {
        return password;
    }

    /** @return the virtual host, {@code /} by default */
    public String virtualHost() {
        return virtualHost;
    }

    /**
     * The names of the running test, or of the class outside a test.
     *
     * @return unique names, deleted from the broker when their test (or class) ends
     * @throws IllegalStateException if the extension has not started
     */
    public RabbitNames names() {
        synchronized (lock) {
            if (testNames != null) {
                return testNames;
            }
            if (classNames == null) {
                throw new IllegalStateException("RabbitBroker is not started: register it with @RegisterExtension");
            }
            return classNames;
        }
    }

    /** Checks the broker and opens the names of the class. */
    @Override
    public void beforeAll(ExtensionContext context) {
        startFor(context);
    }

    /** Opens the names of the test (and checks the broker, if the extension is in an instance field). */
    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (lock) {
            startFor(context);
            testNames = new RabbitNames(prefix(context));
        }
    }

    /** Deletes what the test's names name. */
    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        RabbitNames ending;
        RabbitNames classEnding = null;
        synchronized (lock) {
            ending = testNames;
            testNames = null;
            if (context.getUniqueId().equals(owner)) {
                classEnding = classNames;
                classNames = null;
                owner = null;
            }
        }
        delete(ending);
        delete(classEnding);
    }

    /** Deletes what the class's names name. */
    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        RabbitNames ending = null;
        synchronized (lock) {
            if (context.getUniqueId().equals(owner)) {
                ending = classNames;
                classNames = null;
                owner = null;
            }
        }
        delete(ending);
    }

    /** Checks the broker and opens the names of the class, unless an enclosing start still holds. */
    private void startFor(ExtensionContext context) {
        synchronized (lock) {
            if (classNames != null) {
                return;
            }
            try (Connection ignored = connect("check")) {
                classNames = new RabbitNames(prefix(context));
                owner = context.getUniqueId();
            } catch (IOException e) {
                throw unreachable(e);
            }
        }
    }

    private void delete(@Nullable RabbitNames names) throws IOException {
        if (names == null || (names.queues().isEmpty() && names.exchanges().isEmpty())) {
            return;
        }
        try (Connection c = connect(names.prefix() + ".cleanup")) {
            List<String> failures = new ArrayList<>();
            for (String queue : names.queues()) {
                try (Channel ch = c.createChannel()) {
                    ch.queueDelete(queue);
                } catch (IOException | TimeoutException e) {
                    failures.add("queue " + queue + ": " + e.getMessage());
                }
            }
            for (String exchange : names.exchanges()) {
                try (Channel ch = c.createChannel()) {
                    ch.exchangeDelete(exchange);
                } catch (IOException | TimeoutException e) {
                    failures.add("exchange " + exchange + ": " + e.getMessage());
                }
            }
            if (!failures.isEmpty()) {
                throw new IOException("RabbitBroker could not delete " + failures);
            }
        }
    }

    private Connection connect(String name) throws IOException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host());
        factory.setPort(port());
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setConnectionTimeout(5_000);
        factory.setAutomaticRecoveryEnabled(false);
        try {
            return factory.newConnection(name);
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    private IllegalStateException unreachable(Exception e) {
        return new IllegalStateException("Cannot connect to RabbitMQ at " + this + ": " + e
                + ". Start the broker, or point " + URI_VARIABLE + " at one.", e);
    }

    private static String prefix(ExtensionContext context) {
        String test = context.getTestClass().map(Class::getSimpleName).orElse("test");
        return "test." + test + "." + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    /** @return the URI without the password */
    @Override
    public String toString() {
        return "amqp://" + username + "@" + host() + ":" + port() + "/" + (virtualHost.equals("/") ? "%2F" : virtualHost);
    }
}
