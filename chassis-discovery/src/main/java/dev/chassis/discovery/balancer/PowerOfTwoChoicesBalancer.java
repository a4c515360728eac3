package dev.chassis.discovery.balancer;

import dev.chassis.discovery.ServiceInstance;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Two random candidates, the cheaper wins: cost = (in-flight + 1) x latency average. The average
 * is a per-call EWMA (weight {@value #WEIGHT}) rather than a peak-sensitive one, so that a single
 * pause on a fast instance does not push its traffic onto a slow one for long. In the cost, the
 * average fades towards zero with the time since the instance's last call (time constant
 * {@link #FADE_MILLIS}), which lets an instance that lost every comparison be tried again later;
 * the average itself only changes with calls.
 */
final class PowerOfTwoChoicesBalancer implements LoadBalancer {
    static final double WEIGHT = 0.2;
    static final double FADE_MILLIS = 10_000;
    static final long FAILURE_NANOS = Duration.ofSeconds(1).toNanos();

    private final @Nullable RandomGenerator random;
    private final Clock clock;
    private final ConcurrentMap<String, Stats> stats = new ConcurrentHashMap<>();

    PowerOfTwoChoicesBalancer(@Nullable RandomGenerator random, Clock clock) {
        this.random = random;
        this.clock = clock;
    }

    @Override
    public ServiceInstance choose(String service, List<ServiceInstance> candidates) {
        int size = candidates.size();
        if (size == 1) {
            return candidates.get(0);
        }
        RandomGenerator rnd = RandomBalancer.generator(random);
        int i = rnd.nextInt(size);
        int j = rnd.nextInt(size - 1);
        if (j >= i) {
            j++;
        }
        ServiceInstance a = candidates.get(i);
        ServiceInstance b = candidates.get(j);
        long now = clock.millis();
        return cost(a, now) <= cost(b, now) ? a : b;
    }

    private double cost(ServiceInstance instance, long now) {
        Stats s = stats.get(instance.id());
        return s == null ? 0.0 : s.cost(now);
    }

    @Override
    public void onStart(ServiceInstance instance) {
        stats.computeIfAbsent(instance.id(), id -> new Stats()).inFlight.incrementAndGet();
    }

    @Override
    public void onComplete(ServiceInstance instance, CallOutcome outcome, Duration latency) {
        Stats s = stats.get(instance.id());
        if (s == null) {
            return;
        }
        s.inFlight.decrementAndGet();
        if (outcome == CallOutcome.CANCELLED) {
            return;
        }
        long nanos = latency.toNanos();
        s.observe(outcome.isFailure() ? Math.max(nanos, FAILURE_NANOS) : nanos, clock.millis());
    }

    @Override
    public String toString() {
        return "PowerOfTwoChoices";
    }

    /** One instance's figures. */
    private static final class Stats {
        final AtomicInteger inFlight = new AtomicInteger();
        private final Object lock = new Object();
        private double averageNanos;
        private long lastMillis;
        private boolean measured;

        double cost(long now) {
            int pending = Math.max(0, inFlight.get());
            double average;
            long last;
            synchronized (lock) {
                if (!measured) {
                    // never measured: free while idle, expensive while its first call is pending
                    return pending == 0 ? 0.0 : (double) FAILURE_NANOS * pending;
                }
                average = averageNanos;
                last = lastMillis;
            }
            double faded = average * Math.exp(-Math.max(0, now - last) / FADE_MILLIS);
            return faded * (pending + 1);
        }

        void observe(long nanos, long now) {
            synchronized (lock) {
                if (!measured) {
                    averageNanos = nanos;
                    measured = true;
                } else {
                    averageNanos += WEIGHT * (nanos - averageNanos);
                }
                lastMillis = now;
            }
        }
    }
}
