package dev.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.admin.AdminRequest;
import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.admin.AdminRoute;
import dev.chassis.core.bus.DeadLetter;
import dev.chassis.core.bus.DeadLetterRoutes;
import dev.chassis.core.bus.Delivery;
import dev.chassis.core.bus.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RabbitDeadLettersIT {
    @RegisterExtension
    final RabbitFixture rabbit = new RabbitFixture();

    @Test
    void redrivesOneByIdThenAllWithAFreshAttemptCount() throws Exception {
        // given three dead letters from a broken handler
        RabbitEventBus bus = rabbit.bus();
        String queue = rabbit.queue("redrive");
        AtomicBoolean broken = new AtomicBoolean(true);
        List<Delivery> handled = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic("r").handler(d -> {
            if (broken.get()) {
                throw new NonRetryableException("broken");
            }
            handled.add(d);
        }).build());
        for (String text : List.of("a", "b", "c")) {
            bus.publish("r", RabbitFixture.envelope(text)).toCompletableFuture().join();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.deadLetters().count(queue) == 3);
        List<DeadLetter> letters = bus.deadLetters().peek(queue, 10);
        assertThat(letters).extracting(l -> l.decoded().orElseThrow().dataText()).containsExactly("a", "b", "c");

        // when the handler is fixed and one letter is redriven
        broken.set(false);
        assertThat(bus.deadLetters().redrive(queue, letters.get(1).messageId())).isTrue();

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
        assertThat(handled.get(0).envelope().dataText()).isEqualTo("b");
        assertThat(handled.get(0).attempt()).isEqualTo(1);
        assertThat(bus.deadLetters().count(queue)).isEqualTo(2);
        assertThat(bus.deadLetters().peek(queue, 10)).extracting(l -> l.decoded().orElseThrow().dataText())
                .containsExactly("a", "c");
        assertThat(bus.deadLetters().redrive(queue, "no-such-id")).isFalse();

        // when all are redriven
        assertThat(bus.deadLetters().redriveAll(queue)).isEqualTo(2);

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 3);
        assertThat(bus.deadLetters().count(queue)).isZero();
    }

    @Test
    void adminRoutesListPeekAndRedrive() throws Exception {
        // given
        RabbitEventBus bus = rabbit.bus();
        String queue = rabbit.queue("admin");
        AtomicBoolean broken = new AtomicBoolean(true);
        List<Delivery> handled = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic("adm").handler(d -> {
            if (broken.get()) {
                throw new NonRetryableException("broken");
            }
            handled.add(d);
        }).build());
        bus.publish("adm", RabbitFixture.envelope("one")).toCompletableFuture().join();
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.deadLetters().count(queue) == 1);
        List<AdminRoute> routes = DeadLetterRoutes.of(bus.deadLetters(), bus::subscribedQueues);

        // when / then
        AdminResponse list = call(routes, "GET", "/chassis/dlq", Map.of(), Map.of());
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.bodyText()).contains("\"queue\":\"" + queue + "\"").contains("\"count\":1");
        AdminResponse peek = call(routes, "GET", "/chassis/dlq/{queue}", Map.of("queue", queue), Map.of("limit", List.of("5")));
        assertThat(peek.bodyText()).contains("\"exceptionMessage\":\"broken\"").contains("\"body\":\"one\"");
        broken.set(false);
        AdminResponse redrive = call(routes, "POST", "/chassis/dlq/{queue}/redrive", Map.of("queue", queue), Map.of());
        assertThat(redrive.bodyText()).contains("\"redriven\":1");
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
    }

    @Test
    void aQueueWithoutDeadLetterQueueHasNoDeadLetters() {
        RabbitEventBus bus = rabbit.bus();
        String queue = rabbit.queue("never-subscribed");
        assertThat(bus.deadLetters().count(queue)).isZero();
        assertThat(bus.deadLetters().peek(queue, 5)).isEmpty();
        assertThat(bus.deadLetters().redriveAll(queue)).isZero();
        assertThat(bus.deadLetters().redrive(queue, "x")).isFalse();
    }

    private static AdminResponse call(List<AdminRoute> routes, String method, String template, Map<String, String> params,
            Map<String, List<String>> query) throws Exception {
        AdminRoute route = routes.stream().filter(r -> r.method().equals(method) && r.pathTemplate().equals(template))
                .findFirst().orElseThrow();
        return route.handler().handle(new AdminRequest(method, template, params, query, new byte[0]));
    }
}
