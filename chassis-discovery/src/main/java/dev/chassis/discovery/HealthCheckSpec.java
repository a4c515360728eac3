package dev.chassis.discovery;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a registry learns whether an instance is healthy: the registry polls an HTTP URL (usually the
 * chassis's {@code /health} endpoint), or the instance sends heartbeats within a TTL, or nothing
 * (the instance counts as healthy while registered). An instance critical for longer than
 * {@link #deregisterCriticalAfter()} is removed by registries that support it. Immutable.
 */
public final class HealthCheckSpec {
    /** The kind of check. */
    public enum Kind {
        /** The registry polls {@link #url()} every {@link #interval()}; 2xx is passing. */
        HTTP,
        /** The instance reports within every {@link #ttl()}; a missed report is critical. */
        TTL,
        /** No check: healthy while registered. */
        NONE
    }

    private final Kind kind;
    private final @Nullable URI url;
    private final Duration interval;
    private final Duration timeout;
    private final Duration ttl;
    private final Duration deregisterCriticalAfter;

    private HealthCheckSpec(Kind kind, @Nullable URI url, Duration interval, Duration timeout, Duration ttl,
            Duration deregisterCriticalAfter) {
        this.kind = kind;
        this.url = url;
        this.interval = interval;
        this.timeout = timeout;
        this.ttl = ttl;
        this.deregisterCriticalAfter = deregisterCriticalAfter;
    }

    /**
     * An HTTP check with a timeout of half the interval (at most 5 s) and deregistration after 1 minute critical.
     *
     * @param url the URL the registry polls, e.g. {@code http://10.0.0.7:8081/health}
     * @param interval how often, at least 1 s
     * @return the check
     */
    public static HealthCheckSpec http(URI url, Duration interval) {
        requireNonNull(url, "url");
        requireAtLeastOneSecond(interval, "interval");
        Duration timeout = interval.dividedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
                : interval.dividedBy(2);
        return new HealthCheckSpec(Kind.HTTP, url, interval, timeout, Duration.ZERO, Duration.ofMinutes(1));
    }

    /**
     * A TTL check with deregistration after 1 minute critical. The registry sends the heartbeats.
     *
     * @param ttl the time within which each heartbeat must arrive, at least 1 s
     * @return the check
     */
    public static HealthCheckSpec ttl(Duration ttl) {
        requireAtLeastOneSecond(ttl, "ttl");
        return new HealthCheckSpec(Kind.TTL, null, Duration.ZERO, Duration.ZERO, ttl, Duration.ofMinutes(1));
    }

    /**
     * No check.
     *
     * @return the check
     */
    public static HealthCheckSpec none() {
        return new HealthCheckSpec(Kind.NONE, null, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    /**
     * The same check with another HTTP timeout.
     *
     * @param timeout the timeout of one poll, positive
     * @return a new check
     */
    public HealthCheckSpec withTimeout(Duration timeout) {
        if (requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return new HealthCheckSpec(kind, url, interval, timeout, ttl, deregisterCriticalAfter);
    }

    /**
     * The same check with another deregistration delay.
     *
     * @param after how long an instance may stay critical before the registry removes it, at least 1 minute
     *     (Consul's minimum), or zero for never
     * @return a new check
     */
    public HealthCheckSpec withDeregisterCriticalAfter(Duration after) {
        requireNonNull(after, "after");
        if (!after.isZero() && after.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("deregisterCriticalAfter must be zero (never) or at least 1 minute, was " + after);
        }
        return new HealthCheckSpec(kind, url, interval, timeout, ttl, after);
    }

    /** @return the kind */
    public Kind kind() {
        return kind;
    }

    /**
     * The polled URL.
     *
     * @return the URL
     * @throws IllegalStateException unless {@link Kind#HTTP}
     */
    public URI url() {
        if (url == null) {
            throw new IllegalStateException("a " + kind + " check has no URL");
        }
        return url;
    }

    /** @return the HTTP poll interval, zero unless {@link Kind#HTTP} */
    public Duration interval() {
        return interval;
    }

    /** @return the HTTP poll timeout, zero unless {@link Kind#HTTP} */
    public Duration timeout() {
        return timeout;
    }

    /** @return the TTL, zero unless {@link Kind#TTL} */
    public Duration ttl() {
        return ttl;
    }

    /** @return how long an instance may stay critical before it is removed; zero for never */
    public Duration deregisterCriticalAfter() {
        return deregisterCriticalAfter;
    }

    private static void requireAtLeastOneSecond(Duration d, String name) {
        if (requireNonNull(d, name).compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(name + " must be at least 1 s, was " + d);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof HealthCheckSpec)) {
            return false;
        }
        HealthCheckSpec h = (HealthCheckSpec) o;
        return kind == h.kind && Objects.equals(url, h.url) && interval.equals(h.interval) && timeout.equals(h.timeout)
                && ttl.equals(h.ttl) && deregisterCriticalAfter.equals(h.deregisterCriticalAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, url, interval, timeout, ttl, deregisterCriticalAfter);
    }

    @Override
    public String toString() {
        switch (kind) {
            case HTTP:
                return "HTTP " + url + " every " + interval;
            case TTL:
                return "TTL " + ttl;
            default:
                return "no check";
        }
    }
}
