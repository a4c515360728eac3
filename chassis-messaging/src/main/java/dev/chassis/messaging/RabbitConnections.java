package dev.chassis.messaging;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoverableConnection;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import dev.chassis.core.NonRetryableException;
import dev.chassis.core.RetryableException;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the bus's recovering connections and reports their life cycle to a
 * {@link RabbitConnectionListener}; helpers for closing and naming threads. Stateless.
 */
final class RabbitConnections {
    private static final Logger LOG = LoggerFactory.getLogger(RabbitConnections.class);

    private RabbitConnections() {
    }

    /** Opens a connection with the factory's settings, reporting losses, recoveries and failed recoveries. */
    static Connection open(ConnectionFactory f, String name, @Nullable ExecutorService executor,
            RabbitConnectionListener listener) {
        f.setExceptionHandler(new ForgivingExceptionHandler() {
            @Override
            public void handleConnectionRecoveryException(Connection conn, Throwable exception) {
                listener.onRecoveryFailed(name, String.valueOf(exception.getMessage()));
            }
        });
        if (executor != null) {
            f.setSharedExecutor(executor);
        }
        Connection c;
        try {
            c = f.newConnection(name);
        } catch (AuthenticationFailureException e) {
            throw new NonRetryableException("the broker refused username '" + f.getUsername()
                    + "': check the username and password (or uri)", e);
        } catch (IOException | TimeoutException e) {
            throw new RetryableException("cannot connect to " + f.getHost() + ":" + f.getPort() + " vhost '"
                    + f.getVirtualHost() + "': " + e.getMessage() + "; check host, port and virtualHost (or uri)", e);
        }
        c.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                listener.onConnectionLost(name, RabbitEventBus.describe(cause));
            }
        });
        if (c instanceof RecoverableConnection) {
            ((RecoverableConnection) c).addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recoverable) {
                    listener.onRecovered(name);
                }

                @Override
                public void handleRecoveryStarted(Recoverable recoverable) {
                    // reported as onConnectionLost
                }
            });
        }
        listener.onConnected(name);
        return c;
    }

    static RabbitConnectionListener safe(RabbitConnectionListener listener) {
        return new SafeListener(listener);
    }

    static void closeQuietly(@Nullable Connection c) {
        if (c != null && c.isOpen()) {
            try {
                c.close(5000);
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing a connection failed", e);
            }
        } else if (c != null) {
            c.abort(1000);
        }
    }

    /**
     * The pool a connection dispatches consumer callbacks on. A connection that finishes shutting
     * down after the bus has closed (an abort that outlived its timeout, a recovery cut short) still
     * hands its last shutdown notices to this pool; once the pool is shut down they are dropped, since
     * nobody listens any more, instead of failing the connection's own thread.
     */
    static ExecutorService dispatchPool(String prefix) {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), threads(prefix),
                (task, pool) -> {
                    if (!pool.isShutdown()) {
                        throw new RejectedExecutionException("consumer dispatch refused a task while running");
                    }
                    LOG.debug("dropped a consumer callback that arrived after the bus closed");
                });
    }

    static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Shields the bus from exceptions thrown by a listener. */
    private static final class SafeListener implements RabbitConnectionListener {
        private final RabbitConnectionListener delegate;

        SafeListener(RabbitConnectionListener delegate) {
            this.delegate = delegate;
        }

        private static void safely(Runnable r) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("a RabbitConnectionListener threw; ignored", e);
            }
        }

        @Override
        public void onConnected(String connection) {
            safely(() -> delegate.onConnected(connection));
        }

        @Override
        public void onConnectionLost(String connection, String reason) {
            safely(() -> delegate.onConnectionLost(connection, reason));
        }

        @Override
        public void onRecovered(String connection) {
            safely(() -> delegate.onRecovered(connection));
        }

        @Override
        public void onRecoveryFailed(String connection, String reason) {
            safely(() -> delegate.onRecoveryFailed(connection, reason));
        }

        @Override
        public void onChannelReplaced(String purpose, String reason) {
            safely(() -> delegate.onChannelReplaced(purpose, reason));
        }

        @Override
        public void onConsumerCancelled(String queue) {
            safely(() -> delegate.onConsumerCancelled(queue));
        }

        @Override
        public void onConsumerRestarted(String queue) {
            safely(() -> delegate.onConsumerRestarted(queue));
        }
    }
}
