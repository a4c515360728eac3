package dev.chassis.testkit.fault;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on a free local port that forwards every connection to a target, and can make the
 * network between them slow, partitioned or broken: {@link #delay} adds latency, {@link #cut} stops
 * forwarding while keeping the sockets open (a partition: clients hang until their own timeouts),
 * {@link #reset} aborts every current connection with a TCP reset, and {@link #heal} restores normal
 * forwarding. Point the client at {@link #host()} and {@link #port()} instead of the server.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.to("127.0.0.1", 5432)) {
 *     String url = "jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + "/test";
 *     proxy.delay(Duration.ofMillis(200));   // every packet 200 ms late
 *     proxy.cut();                           // nothing gets through, nothing is closed
 *     proxy.heal();                          // what was held back is delivered
 *     proxy.reset();                         // current connections fail with "Connection reset"
 * }
 * }</pre>
 *
 * <p>Data read while cut is held and delivered on {@link #heal}; connections accepted while cut reach
 * the target after it. A half-close by one side is passed on to the other. Each connection uses two
 * daemon threads. Instances are thread-safe: a test may fault the proxy while clients use it.
 */
public final class TcpProxy implements AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final ExecutorService threads;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicInteger accepted = new AtomicInteger();
    private long delayNanos;
    private boolean cut;
    private boolean closed;

    private TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        String name = "tcp-proxy-" + INSTANCES.incrementAndGet() + "-" + server.getLocalPort();
        AtomicInteger thread = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-" + thread.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::acceptLoop);
    }

    /**
     * Starts a proxy to a target, listening on a free port of the loopback interface.
     *
     * @param host the target's host
     * @param port the target's port
     * @return the running proxy; close it when done
     * @throws UncheckedIOException if no local port can be opened
     */
    public static TcpProxy to(String host, int port) {
        requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
        try {
            return new TcpProxy(host, port);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a local port for a proxy to " + host + ":" + port, e);
        }
    }

    /** @return the address clients connect to, the loopback address */
    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    /** @return the port clients connect to */
    public int port() {
        return server.getLocalPort();
    }

    /** @return how many connections the proxy has accepted since it started */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** @return how many connections are open now */
    public int openConnections() {
        return links.size();
    }

    /**
     * Delivers everything, in both directions, this much later than it arrived, from now on.
     *
     * @param latency the added latency; zero for none
     */
    public void delay(Duration latency) {
        requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, was " + latency);
        }
        change(() -> delayNanos = latency.toNanos());
    }

    /** Stops forwarding in both directions, keeping every socket open, until {@link #heal}. */
    public void cut() {
        change(() -> cut = true);
    }

    /**
     * Aborts every current connection with a TCP reset on both sides; the clients' next read or
     * write fails with "Connection reset". New connections are forwarded as before.
     */
    public void reset() {
        links.forEach(Link::abort);
    }

    /** Forwards again without delay, delivering what was held back. */
    public void heal() {
        change(() -> {
            cut = false;
            delayNanos = 0;
        });
    }

    /** Stops listening and aborts every connection. */
    @Override
    public void close() {
        change(() -> closed = true);
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        reset();
        threads.shutdownNow();
    }

    /** @return the proxy's address and its target */
    @Override
    public String toString() {
        return "TcpProxy[" + host() + ":" + port() + " -> " + targetHost + ":" + targetPort + "]";
    }

    private void change(Runnable update) {
        lock.lock();
        try {
            update.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until data that arrived at {@code arrivedNanos} may go on: not cut, and its delay passed.
     *
     * @return false if the proxy closed meanwhile
     */
    private boolean awaitForwarding(long arrivedNanos) throws InterruptedException {
        lock.lock();
        try {
            while (!closed) {
                long wait = arrivedNanos + delayNanos - System.nanoTime();
                if (cut) {
                    changed.await();
                } else if (wait > 0) {
                    changed.awaitNanos(wait);
                } else {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                threads.execute(() -> connect(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void connect(Socket client) {
        Link link = new Link(client);
        links.add(link);
        try {
            if (!awaitForwarding(System.nanoTime())) {
                link.abort();
                return;
            }
            link.upstream.connect(new InetSocketAddress(targetHost, targetPort), 10_000);
            link.upstream.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            threads.execute(() -> pump(link, client, link.upstream));
            pump(link, link.upstream, client);
        } catch (IOException | InterruptedException e) {
            link.abort();
        }
    }

    private void pump(Link link, Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (!awaitForwarding(System.nanoTime())) {
                    break;
                }
                out.write(buffer, 0, n);
            }
            link.halfClosed(to);
        } catch (IOException | InterruptedException e) {
            link.abort();
        }
    }

    /** One client connection and its connection to the target. */
    private final class Link {
        final Socket client;
        final Socket upstream = new Socket();
        private final AtomicInteger halfCloses = new AtomicInteger();

        Link(Socket client) {
            this.client = client;
        }

        /** Passes an end of stream on; once both directions ended, the link is done. */
        void halfClosed(Socket to) {
            try {
                to.shutdownOutput();
            } catch (IOException ignored) {
                // the other side is gone already
            }
            if (halfCloses.incrementAndGet() == 2) {
                close(false);
            }
        }

        void abort() {
            close(true);
        }

        private void close(boolean withReset) {
            links.remove(this);
            for (Socket s : new Socket[] {client, upstream}) {
                try {
                    if (withReset && !s.isClosed()) {
                        s.setSoLinger(true, 0);
                    }
                    s.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }
    }
}
