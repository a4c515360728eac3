package dev.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.testkit.fault.BrokerFaults;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RabbitTopologyIT {
    @RegisterExtension
    final RabbitFixture rabbit = new RabbitFixture();

    @Test
    void aForbiddenDeadLetterExchangeFailsSubscribeNamingIt() throws Exception {
        // given a user who may configure the events exchange and the queue, but not the dead-letter exchange
        String user = "it-" + rabbit.id;
        String queue = rabbit.queue("forbidden");
        ctl("add_user", user, "secret");
        try {
            ctl("set_permissions", "-p", "/", user, "^(" + rabbit.exchange.replace(".", "\\.") + "|"
                    + queue.replace(".", "\\.") + ")$", ".*", ".*");
            RabbitEventBus bus = rabbit.bus(b -> b.host("127.0.0.1").username(user).password("secret").virtualHost("/"));

            // when / then
            assertThatThrownBy(() -> bus.subscribe(Subscription.builder(queue).topic("x").handler(d -> { }).build()))
                    .isInstanceOf(RabbitTopologyException.class)
                    .hasMessageContaining(queue + ".dlx")
                    .hasMessageContaining("403")
                    .extracting(e -> ((RabbitTopologyException) e).resource()).isEqualTo(queue + ".dlx");
            assertThat(bus.subscribedQueues()).isEmpty();
            bus.close();
        } finally {
            ctl("delete_user", user);
        }
    }

    @Test
    void aQueueThatExistsWithoutTheDeadLetterExchangeFailsSubscribeNamingIt() throws Exception {
        // given a queue declared earlier by someone else, without x-dead-letter-exchange
        String queue = rabbit.queue("nodlx");
        try (Channel ch = rabbit.channel()) {
            ch.queueDeclare(queue, true, false, false, null);
        }
        RabbitEventBus bus = rabbit.bus();

        // when / then
        assertThatThrownBy(() -> bus.subscribe(Subscription.builder(queue).topic("x").handler(d -> { }).build()))
                .isInstanceOf(RabbitTopologyException.class)
                .hasMessageContaining("406")
                .hasMessageContaining("x-dead-letter-exchange")
                .extracting(e -> ((RabbitTopologyException) e).resource()).isEqualTo(queue);
    }

    @Test
    void quorumQueuesAreDeclaredAndRetryThroughTheirDelayQueue() throws Exception {
        // given
        RabbitEventBus bus = rabbit.bus(b -> b.queueType(RabbitEventBus.QueueType.QUORUM));
        String queue = rabbit.queue("quorum");

        List<Integer> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();

        // when
        bus.subscribe(Subscription.builder(queue).topic("x")
                .retry(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(100)).build())
                .handler(d -> {
                    attempts.add(d.attempt());
                    if (d.attempt() == 1) {
                        throw new IllegalStateException("once");
                    }
                }).build());
        bus.publish("x", RabbitFixture.envelope("q")).toCompletableFuture().join();

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 2);
        assertThat(attempts).containsExactly(1, 2);
        String listing = ctlOutput("list_queues", "name", "type");
        assertThat(listing).containsPattern(queue.replace(".", "\\.") + "\\s+quorum")
                .containsPattern(queue.replace(".", "\\.") + "\\.dlq\\s+quorum")
                .containsPattern(queue.replace(".", "\\.") + "\\.retry\\.100ms\\s+quorum");
    }

    static void ctl(String... args) {
        ctlOutput(args);
    }

    static String ctlOutput(String... args) {
        return BrokerFaults.local().rabbitmqctl(args);
    }
}
