package dev.chassis.testkit.consul;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/** The faults injected per path prefix, and the latch hanging requests wait on. Thread-safe. */
final class SimFaults {
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final AtomicReference<CountDownLatch> hangRelease = new AtomicReference<>(new CountDownLatch(1));
    private volatile boolean closed;

    void put(String pathPrefix, Fault fault) {
        faults.put(pathPrefix, fault);
    }

    void heal() {
        faults.clear();
        hangRelease.getAndSet(new CountDownLatch(1)).countDown();
    }

    void close() {
        closed = true;
        hangRelease.get().countDown();
    }

    /** The fault of the longest matching prefix, or null. */
    @Nullable Fault faultFor(String path) {
        Fault found = null;
        int longest = -1;
        for (Map.Entry<String, Fault> e : faults.entrySet()) {
            if (path.startsWith(e.getKey()) && e.getKey().length() > longest) {
                found = e.getValue();
                longest = e.getKey().length();
            }
        }
        return found;
    }

    void awaitRelease() throws InterruptedException {
        CountDownLatch latch = hangRelease.get();
        if (!closed) {
            latch.await();
        }
    }
}
