package dev.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Runs the samples of docs/messaging.md; DocumentationSnippetsTest keeps the two identical. */
class InMemoryEventBusDocsTest {

    @Test
    void quickStartSampleDeliversThePublishedEnvelope() {
        // given
        List<Envelope> received = new CopyOnWriteArrayList<>();
        Envelope envelope = Envelope.builder().type("user.created").source("/user-service").data(Map.of("userId", "u-42")).build();

        // when
        InMemoryEventBus bus = InMemoryEventBus.create();
        bus.subscribe(Subscription.builder("email-service.welcome")
                .topic("user.*")
                .handler(delivery -> received.add(delivery.envelope()))
                .build());
        bus.publish("user.created", envelope).toCompletableFuture().join();

        // then
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        assertThat(received).singleElement().satisfies(delivered -> {
            assertThat(delivered.id()).isEqualTo(envelope.id());
            assertThat(delivered.dataText()).isEqualTo(envelope.dataText());
            assertThat(delivered.correlationId()).as("a new correlation starts at the first publish").isPresent();
        });
        bus.close();
    }

    @Test
    void sharedBrokerSampleConnectsTwoBuses() {
        // given
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        List<String> welcomed = new CopyOnWriteArrayList<>();

        // when
        InMemoryBroker broker = InMemoryBroker.builder()
                .maxQueueLength(10_000)
                .clock(clock)
                .build();
        InMemoryEventBus users = InMemoryEventBus.builder().broker(broker).build();
        InMemoryEventBus emails = InMemoryEventBus.builder().broker(broker).drainTimeout(Duration.ofSeconds(5)).build();

        // then
        emails.subscribe(Subscription.builder("email-service.welcome").topic("user.created")
                .handler(d -> welcomed.add(d.envelope().id())).build());
        Envelope created = Envelope.builder().type("user.created").source("/user-service").data(Map.of("userId", "u-42")).build();
        users.publish("user.created", created).toCompletableFuture().join();
        await().atMost(Duration.ofSeconds(5)).until(() -> welcomed.size() == 1);
        assertThat(welcomed).containsExactly(created.id());
        users.close();
        emails.close();
        broker.close();
    }
}
