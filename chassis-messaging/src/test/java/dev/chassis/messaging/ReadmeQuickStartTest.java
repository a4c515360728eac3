package dev.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.RetryableException;
import dev.chassis.core.bus.EventBus;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.resilience.CircuitBreaker;
import dev.chassis.core.resilience.Resilience;
import dev.chassis.core.resilience.Retry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Runs the README's quick start; DocumentationSnippetsTest keeps the two identical. */
class ReadmeQuickStartTest {
    record UserCreated(String userId, String email) {}

    record Order(String id, long cents) {}

    record Receipt(String orderId) {}

    static final class Mailer {
        final List<String> sent = new CopyOnWriteArrayList<>();

        void sendWelcome(UserCreated user) {
            sent.add(user.email());
        }
    }

    static final class PaymentGateway {
        final AtomicInteger calls = new AtomicInteger();

        Receipt charge(Order order) {
            if (calls.incrementAndGet() == 1) {
                throw new RetryableException("gateway busy");
            }
            return new Receipt(order.id());
        }
    }

    private final Mailer mailer = new Mailer();
    private final PaymentGateway paymentGateway = new PaymentGateway();
    private final Order order = new Order("o-1", 1250);

    @Test
    void quickStartDeliversTheEventAndRetriesThePayment() {
        EventBus bus = InMemoryEventBus.create();   // RabbitEventBus.builder()...build() on a real broker
        bus.subscribe(Subscription.builder("email-service.welcome")
                .topic("user.*")
                .handler(delivery -> mailer.sendWelcome(delivery.envelope().dataAs(UserCreated.class)))
                .build());

        bus.publish("user.created", Envelope.builder()
                .type("user.created").source("/user-service")
                .data(new UserCreated("u-1", "ada@example.com"))
                .build()).toCompletableFuture().join();   // completes once the broker confirmed and routed it

        Resilience payments = Resilience.builder("payments")
                .circuitBreaker(CircuitBreaker.ofDefaults("payments")).retry(Retry.ofDefaults()).build();
        Receipt receipt = payments.call(() -> paymentGateway.charge(order));

        await().atMost(Duration.ofSeconds(5)).until(() -> mailer.sent.size() == 1);
        assertThat(mailer.sent).containsExactly("ada@example.com");
        assertThat(receipt).isEqualTo(new Receipt("o-1"));
        assertThat(paymentGateway.calls).hasValue(2);
        bus.close();
    }
}
