package dev.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.chassis.core.bus.Delivery;
import dev.chassis.core.bus.PublishException;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.envelope.Envelope;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RabbitEventBusPublishIT {
    @RegisterExtension
    final RabbitFixture rabbit = new RabbitFixture();

    @Test
    void confirmedPublishIsRoutedAndDecodedIdentically() throws Exception {
        // given
        RabbitEventBus bus = rabbit.bus();
        String queue = rabbit.queue("orders");
        List<Delivery> received = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic("order.*").handler(received::add).build());
        Envelope sent = Envelope.builder().type("order.placed").source("/order-service").subject("o-1")
                .time(Instant.parse("2026-01-02T03:04:05.123456Z")).dataSchema(URI.create("urn:schema:order"))
                .correlationId("c-1").causationId("m-0").extension("priority", 3).extension("vip", true)
                .data("application/json", "{\"id\":1}".getBytes()).build();

        // when
        bus.publish("order.placed", sent).toCompletableFuture().join();

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        Delivery d = received.get(0);
        assertThat(d.envelope()).isEqualTo(sent);
        assertThat(d.topic()).isEqualTo("order.placed");
        assertThat(d.queue()).isEqualTo(queue);
        assertThat(d.attempt()).isEqualTo(1);
        assertThat(d.redelivered()).isFalse();
    }

    @Test
    void writesTheCloudEventsBinaryModeProperties() throws Exception {
        // given
        RabbitEventBus bus = rabbit.bus();
        String queue = rabbit.queue("raw");
        try (Channel ch = rabbit.channel()) {
            ch.queueDeclare(queue, false, false, false, null);
            ch.queueBind(queue, rabbit.exchange, "user.created");
        }
        Envelope sent = Envelope.builder().type("user.created").source("/user-service").subject("u-1")
                .correlationId("corr-7").data("application/json", "{}".getBytes()).build();

        // when
        bus.publish("user.created", sent).toCompletableFuture().join();

        // then
        try (Channel ch = rabbit.channel()) {
            GetResponse r = ch.basicGet(queue, true);
            assertThat(r.getBody()).isEqualTo("{}".getBytes());
            assertThat(r.getProps().getDeliveryMode()).isEqualTo(2);
            assertThat(r.getProps().getMessageId()).isEqualTo(sent.id());
            assertThat(r.getProps().getType()).isEqualTo("user.created");
            assertThat(r.getProps().getContentType()).isEqualTo("application/json");
            assertThat(r.getProps().getCorrelationId()).isEqualTo("corr-7");
            assertThat(r.getProps().getAppId()).isEqualTo("/user-service");
            assertThat(r.getProps().getTimestamp()).isNotNull();
            assertThat(r.getProps().getHeaders()).containsKeys("cloudEvents_id", "cloudEvents_source",
                    "cloudEvents_specversion", "cloudEvents_type", "cloudEvents_time", "cloudEvents_subject",
                    "cloudEvents_correlationid", "x-chassis-topic", "x-chassis-attempt");
            assertThat(r.getProps().getHeaders().get("cloudEvents_subject").toString()).isEqualTo("u-1");
        }
    }

    @Test
    void unroutablePublishFailsWithUnroutable() {
        // given
        RabbitEventBus bus = rabbit.bus();

        // when / then
        assertThatThrownBy(() -> bus.publish("nobody.listens", RabbitFixture.envelope("x")).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(PublishException.class)
                .extracting(e -> ((PublishException) e).reason()).isEqualTo(PublishException.Reason.UNROUTABLE);
    }

    @Test
    void aMissingExchangeDoesNotBreakLaterPublishes() throws Exception {
        // given
        RabbitEventBus bus = rabbit.bus(b -> b.publisherChannels(1));
        String queue = rabbit.queue("later");
        List<Delivery> received = new CopyOnWriteArrayList<>();
        bus.subscribe(Subscription.builder(queue).topic("a.b").handler(received::add).build());
        try (Channel ch = rabbit.channel()) {
            ch.exchangeDelete(rabbit.exchange);
        }

        // when
        assertThatThrownBy(() -> bus.publish("a.b", RabbitFixture.envelope("lost")).toCompletableFuture().join())
                .cause().isInstanceOf(PublishException.class)
                .extracting(e -> ((PublishException) e).reason()).isEqualTo(PublishException.Reason.CONNECTION_LOST);
        try (Channel ch = rabbit.channel()) {
            ch.exchangeDeclare(rabbit.exchange, BuiltinExchangeType.TOPIC, true);
            ch.queueBind(queue, rabbit.exchange, "a.b");
        }
        bus.publish("a.b", RabbitFixture.envelope("kept")).toCompletableFuture().join();

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertThat(received.get(0).envelope().dataText()).isEqualTo("kept");
    }

    @Test
    void publishAfterCloseFailsWithClosed() {
        // given
        RabbitEventBus bus = rabbit.bus();
        bus.close();

        // when / then
        assertThatThrownBy(() -> bus.publish("a.b", RabbitFixture.envelope("x")).toCompletableFuture().join())
                .cause().isInstanceOf(PublishException.class)
                .extracting(e -> ((PublishException) e).reason()).isEqualTo(PublishException.Reason.CLOSED);
    }

    @Test
    void malformedTopicIsRejectedDirectly() {
        RabbitEventBus bus = rabbit.bus();
        assertThatThrownBy(() -> bus.publish("order.*", RabbitFixture.envelope("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyConcurrentPublishesAreAllConfirmed() throws Exception {
        // given
        RabbitEventBus bus = rabbit.bus(b -> b.maxUnconfirmedPerChannel(16).publisherChannels(2));
        String queue = rabbit.queue("many");
        bus.subscribe(Subscription.builder(queue).topic("many").handler(d -> { }).build()).pause();

        // when
        List<java.util.concurrent.CompletableFuture<Void>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            all.add(bus.publish("many", RabbitFixture.envelope("m" + i)).toCompletableFuture());
        }
        java.util.concurrent.CompletableFuture.allOf(all.toArray(new java.util.concurrent.CompletableFuture[0])).join();

        // then
        await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(queue) == 2000);
    }
}
