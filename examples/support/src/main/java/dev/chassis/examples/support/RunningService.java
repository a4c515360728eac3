package dev.chassis.examples.support;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.config.Config;
import dev.chassis.core.health.HealthRegistry;
import dev.chassis.core.lifecycle.Lifecycle;
import dev.chassis.core.lifecycle.ShutdownReport;
import java.net.URI;
import java.util.concurrent.CountDownLatch;

/**
 * A service started by {@link ServiceHost}: where it serves, its health, and its graceful shutdown.
 * Instances are thread-safe; {@link #shutdown()} runs the sequence once, however often it is called.
 *
 * <pre>{@code
 * RunningService users = ServiceHost.start(new UserService(), dependencies);
 * HttpRequest.newBuilder(users.uri().resolve("/users/" + id));
 * ShutdownReport report = users.shutdown();
 * }</pre>
 */
public final class RunningService implements AutoCloseable {
    private final String name;
    private final String instanceId;
    private final Config config;
    private final HealthRegistry health;
    private final Lifecycle lifecycle;
    private final URI uri;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object hookLock = new Object();
    private boolean hookInstalled;

    RunningService(String name, String instanceId, Config config, HealthRegistry health, Lifecycle lifecycle, URI uri) {
        this.name = requireNonNull(name, "name");
        this.instanceId = requireNonNull(instanceId, "instanceId");
        this.config = requireNonNull(config, "config");
        this.health = requireNonNull(health, "health");
        this.lifecycle = requireNonNull(lifecycle, "lifecycle");
        this.uri = requireNonNull(uri, "uri");
    }

    /** @return the service's name */
    public String name() {
        return name;
    }

    /** @return the id it registered with, e.g. {@code user-service-1a2b3c4d} */
    public String instanceId() {
        return instanceId;
    }

    /** @return its effective configuration */
    public Config config() {
        return config;
    }

    /** @return its health checks */
    public HealthRegistry health() {
        return health;
    }

    /** @return the base URI of its API, e.g. {@code http://127.0.0.1:41234} */
    public URI uri() {
        return uri;
    }

    /**
     * Shuts the service down gracefully (see {@link ServiceHost}); later calls return the same report.
     *
     * @return what each shutdown step did
     */
    public ShutdownReport shutdown() {
        try {
            return lifecycle.shutdown();
        } finally {
            stopped.countDown();
        }
    }

    /**
     * Runs {@link #shutdown()} when the JVM is asked to exit (SIGTERM, Ctrl-C). Calling it again does nothing.
     *
     * @return this service
     */
    public RunningService installShutdownHook() {
        synchronized (hookLock) {
            if (!hookInstalled) {
                Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, name + "-shutdown"));
                hookInstalled = true;
            }
        }
        return this;
    }

    /**
     * Blocks until {@link #shutdown()} has run, e.g. in {@code main} while the service serves.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** Same as {@link #shutdown()}. */
    @Override
    public void close() {
        shutdown();
    }
}
