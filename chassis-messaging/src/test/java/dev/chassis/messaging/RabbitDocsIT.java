package dev.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Runs the sample of docs/messaging.md. */
class RabbitDocsIT {
    record UserCreated(String id, String email) {
    }

    static final class Mailer {
        final List<UserCreated> sent = new CopyOnWriteArrayList<>();

        void sendWelcome(UserCreated user) {
            sent.add(user);
        }
    }

    @Test
    void theGuideSampleDeliversTheEvent() throws Exception {
        // given
        Mailer mailer = new Mailer();
        Envelope envelope = Envelope.builder().type("user.created").source("/user-service")
                .data(new UserCreated("u-1", "ada@example.com")).build();

        // when
        RabbitEventBus bus = RabbitEventBus.builder()
                .uri("amqp://guest:guest@127.0.0.1:5672/")
                .connectionName("newsletter-service")
                .build();
        bus.subscribe(Subscription.builder("newsletter.welcome")
                .topic("user.created")
                .handler(delivery -> mailer.sendWelcome(delivery.envelope().dataAs(UserCreated.class)))
                .retry(RetryPolicy.builder().maxAttempts(3).build())
                .build());
        bus.publish("user.created", envelope).toCompletableFuture().join();

        // then
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> mailer.sent.contains(new UserCreated("u-1", "ada@example.com")));
        } finally {
            bus.close();
            try (RabbitFixture rabbit = new RabbitFixture(); Channel ch = rabbit.channel()) {
                for (String q : List.of("newsletter.welcome", "newsletter.welcome.dlq",
                        "newsletter.welcome.retry.1000ms", "newsletter.welcome.retry.2000ms")) {
                    ch.queueDelete(q);
                }
                ch.exchangeDelete("newsletter.welcome.dlx");
            }
        }
        assertThat(mailer.sent).hasSize(1);
    }
}
