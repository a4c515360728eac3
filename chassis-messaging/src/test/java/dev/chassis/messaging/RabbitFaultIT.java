package dev.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.bus.PublishException;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Publishes and consumes while the broker keeps closing every connection of the bus's user, and
 * checks that every confirmed event was delivered. Failed publishes are retried with the same id,
 * as an outbox relay would. The connections are closed with {@code rabbitmqctl
 * close_all_user_connections} for a user of this test only, so other clients of the broker are not
 * disturbed.
 */
class RabbitFaultIT {
    private static final int EVENTS = 10_000;

    private RabbitFixture rabbit;
    private String user;

    @BeforeEach
    void setUp() throws Exception {
        rabbit = new RabbitFixture();
        user = "it-fault-" + rabbit.id;
        RabbitTopologyIT.ctl("add_user", user, "secret");
        RabbitTopologyIT.ctl("set_permissions", "-p", "/", user, ".*", ".*", ".*");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            rabbit.close();
        } finally {
            RabbitTopologyIT.ctl("delete_user", user);
        }
    }

    @Test
    void noConfirmedEventIsLostWhileConnectionsAreClosedRepeatedly() throws Exception {
        // given
        AtomicInteger recoveries = new AtomicInteger();
        RabbitEventBus bus = rabbit.bus(b -> b.host("127.0.0.1").username(user).password("secret").virtualHost("/")
                .heartbeat(Duration.ofSeconds(5)).recoveryInterval(Duration.ofMillis(300))
                .publishConfirmTimeout(Duration.ofSeconds(5))
                .connectionListener(new RabbitConnectionListener() {
                    @Override
                    public void onRecovered(String connection) {
                        recoveries.incrementAndGet();
                    }
                }));
        String queue = rabbit.queue("fault");
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        bus.subscribe(Subscription.builder(queue).topic("fault.event").concurrency(4).prefetch(50)
                .handler(d -> deliveries.computeIfAbsent(d.envelope().id(), k -> new AtomicInteger()).incrementAndGet())
                .build());
        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicInteger kills = new AtomicInteger();
        AtomicInteger killsWhilePublishing = new AtomicInteger();
        Thread killer = new Thread(() -> {
            while (publishing.get() || kills.get() < 3) { // keeps killing while consumers drain, at least 3 times
                try {
                    RabbitTopologyIT.ctl("close_all_user_connections", user, "fault test");
                    kills.incrementAndGet();
                } catch (Exception e) {
                    return;
                }
            }
        }, "connection-killer");

        // when
        killer.start();
        BlockingQueue<Integer> retries = new LinkedBlockingQueue<>();
        AtomicInteger next = new AtomicInteger();
        Set<String> confirmed = ConcurrentHashMap.newKeySet();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        AtomicLong sent = new AtomicLong();
        Semaphore inFlight = new Semaphore(200);
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try {
            // at least EVENTS, and new events keep coming until two kills have completed since the start,
            // so at least one whole kill falls inside the publishing however fast the broker is
            while ((next.get() < EVENTS || kills.get() < 2 || confirmed.size() < next.get())
                    && System.nanoTime() < deadline) {
                Integer n = retries.poll();
                if (n == null && (next.get() < EVENTS || kills.get() < 2)) {
                    n = next.getAndIncrement();
                } else if (n == null) {
                    n = retries.poll(100, TimeUnit.MILLISECONDS);
                }
                if (n == null) {
                    continue;
                }
                inFlight.acquire();
                String id = "event-" + n;
                int number = n;
                Envelope e = Envelope.builder().id(id).type("fault.event").source("/fault-test")
                        .data("text/plain", ("payload " + n).getBytes()).build();
                sent.incrementAndGet();
                bus.publish("fault.event", e).whenComplete((ok, failure) -> {
                    inFlight.release();
                    if (failure == null) {
                        confirmed.add(id);
                    } else {
                        Throwable cause = failure instanceof java.util.concurrent.CompletionException
                                ? failure.getCause() : failure;
                        String reason = cause instanceof PublishException
                                ? ((PublishException) cause).reason().name() : cause.getClass().getName();
                        failures.computeIfAbsent(reason, k -> new AtomicInteger()).incrementAndGet();
                        later.schedule(() -> retries.add(number), 100, TimeUnit.MILLISECONDS);
                    }
                });
            }
        } finally {
            killsWhilePublishing.set(kills.get());
            publishing.set(false);
            later.shutdown();
        }
        killer.join(TimeUnit.SECONDS.toMillis(60));

        // then
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> confirmed.stream().allMatch(deliveries::containsKey));
        long lost = confirmed.stream().filter(id -> !deliveries.containsKey(id)).count();
        long duplicated = deliveries.values().stream().mapToInt(AtomicInteger::get).filter(c -> c > 1)
                .mapToLong(c -> c - 1).sum();
        long delivered = deliveries.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.printf("sent=%d confirmed=%d delivered=%d lost=%d duplicated=%d (connection kills=%d, recoveries=%d, failed publishes=%s)%n",
                sent.get(), confirmed.size(), delivered, lost, duplicated, kills.get(), recoveries.get(), failures);
        assertThat(confirmed).hasSize(next.get()).hasSizeGreaterThanOrEqualTo(EVENTS);
        assertThat(failures.keySet()).as("publishes fail fast with a typed reason during outages")
                .isSubsetOf("BROKER_UNAVAILABLE", "CONNECTION_LOST", "TIMED_OUT");
        assertThat(lost).isZero();
        assertThat(killsWhilePublishing.get()).as("connections were closed while publishing").isGreaterThanOrEqualTo(2);
        assertThat(kills.get()).isGreaterThanOrEqualTo(3);
        assertThat(recoveries.get()).isGreaterThanOrEqualTo(2);
    }
}
