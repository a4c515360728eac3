package dev.chassis.benchmarks;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.bus.SubscriptionHandle;
import dev.chassis.messaging.RabbitEventBus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of {@link RabbitEventBus} against a raw amqp-client baseline (and, for publishing, Spring
 * AMQP's {@code RabbitTemplate} with correlated confirms), measured in the same run
 * on the same broker:
 * <ul>
 *   <li>publish: persistent 1 KiB messages, publisher confirms, the same confirm window, one publishing
 *       thread and one channel on both sides, until every message is confirmed;</li>
 *   <li>consume: draining a pre-filled queue with manual acks and the same prefetch, one consumer.</li>
 * </ul>
 * Rounds alternate between the two sides; the median of the measured rounds is reported.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.chassis.benchmarks.RabbitPublishBenchmark [messages] [rounds]
 * </pre>
 */
public final class RabbitPublishBenchmark {
    private static final String URI = System.getProperty("rabbit.uri", "amqp://guest:guest@127.0.0.1:5672/%2F");
    private static final String EXCHANGE = "bench.events";
    private static final String TOPIC = "bench.event";
    private static final String PUBLISH_QUEUE = "bench.publish";
    private static final String CONSUME_QUEUE = "bench.consume";
    private static final int WINDOW = 256;
    private static final int PREFETCH = 250;
    private static final byte[] PAYLOAD = new byte[1024];

    private RabbitPublishBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: messages per round (default 50000), measured rounds (default 5)
     * @throws Exception on any broker failure
     */
    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Arrays.fill(PAYLOAD, (byte) 'x');
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(URI);
        try (Connection admin = f.newConnection("bench-admin");
                Connection raw = f.newConnection("bench-raw");
                RabbitEventBus bus = RabbitEventBus.builder().uri(URI).exchange(EXCHANGE).connectionName("bench-chassis")
                        .publisherChannels(1).maxUnconfirmedPerChannel(WINDOW).build()) {
            Channel a = admin.createChannel();
            a.exchangeDeclare(EXCHANGE, BuiltinExchangeType.TOPIC, true);
            a.queueDeclare(PUBLISH_QUEUE, true, false, false, null);
            a.queueBind(PUBLISH_QUEUE, EXCHANGE, TOPIC);
            try {
                List<Double> rawPublish = new ArrayList<>();
                List<Double> rawCePublish = new ArrayList<>();
                List<Double> busPublish = new ArrayList<>();
                List<Double> springPublish = new ArrayList<>();
                org.springframework.amqp.rabbit.connection.CachingConnectionFactory springFactory =
                        new org.springframework.amqp.rabbit.connection.CachingConnectionFactory(java.net.URI.create(URI));
                springFactory.setPublisherConfirmType(
                        org.springframework.amqp.rabbit.connection.CachingConnectionFactory.ConfirmType.CORRELATED);
                springFactory.setPublisherReturns(true);
                org.springframework.amqp.rabbit.core.RabbitTemplate template =
                        new org.springframework.amqp.rabbit.core.RabbitTemplate(springFactory);
                template.setMandatory(true);
                for (int r = 0; r <= rounds; r++) {
                    a.queuePurge(PUBLISH_QUEUE);
                    double rawRate = publishRaw(raw, messages);
                    a.queuePurge(PUBLISH_QUEUE);
                    double rawCeRate = publishRaw(raw, messages, cloudEventProperties());
                    a.queuePurge(PUBLISH_QUEUE);
                    double busRate = publishBus(bus, messages);
                    a.queuePurge(PUBLISH_QUEUE);
                    double springRate = publishSpring(template, messages);
                    if (r > 0) { // round 0 warms up
                        rawPublish.add(rawRate);
                        rawCePublish.add(rawCeRate);
                        busPublish.add(busRate);
                        springPublish.add(springRate);
                    }
                    System.out.printf("publish round %d: raw %.0f msg/s, raw with CloudEvents headers %.0f msg/s, "
                            + "chassis %.0f msg/s, Spring RabbitTemplate %.0f msg/s%n", r, rawRate, rawCeRate, busRate,
                            springRate);
                }
                springFactory.destroy();
                a.queuePurge(PUBLISH_QUEUE);

                List<Double> rawConsume = new ArrayList<>();
                List<Double> busConsume = new ArrayList<>();
                for (int r = 0; r <= rounds; r++) {
                    fill(bus, messages);
                    double rawRate = consumeRaw(raw, messages);
                    fill(bus, messages);
                    double busRate = consumeBus(bus, messages);
                    if (r > 0) {
                        rawConsume.add(rawRate);
                        busConsume.add(busRate);
                    }
                    System.out.printf("consume round %d: raw %.0f msg/s, chassis %.0f msg/s%n", r, rawRate, busRate);
                }
                report("publish (1 KiB, persistent, confirms, window " + WINDOW + ")", rawPublish, busPublish);
                report("publish vs raw with the same CloudEvents headers", rawCePublish, busPublish);
                report("publish, Spring RabbitTemplate (correlated confirms, same window) as the baseline", springPublish,
                        busPublish);
                report("consume (manual ack, prefetch " + PREFETCH + ")", rawConsume, busConsume);
            } finally {
                a.queueDelete(PUBLISH_QUEUE);
                a.queueDelete(CONSUME_QUEUE);
                a.queueDelete(CONSUME_QUEUE + ".dlq");
                a.exchangeDelete(CONSUME_QUEUE + ".dlx");
                for (int ms : new int[] {1000, 2000, 4000, 8000}) {
                    a.queueDelete(CONSUME_QUEUE + ".retry." + ms + "ms");
                }
                a.exchangeDelete(EXCHANGE);
            }
        }
    }

    /** The AMQP properties the bus writes for one envelope, so the raw baseline can send the same bytes. */
    private static AMQP.BasicProperties cloudEventProperties() {
        java.util.Map<String, Object> h = new java.util.HashMap<>();
        h.put("cloudEvents_id", java.util.UUID.randomUUID().toString());
        h.put("cloudEvents_source", "/bench");
        h.put("cloudEvents_specversion", "1.0");
        h.put("cloudEvents_type", TOPIC);
        h.put("cloudEvents_time", java.time.Instant.now().toString());
        h.put("x-chassis-topic", TOPIC);
        h.put("x-chassis-attempt", 1);
        return MessageProperties.PERSISTENT_BASIC.builder().messageId(h.get("cloudEvents_id").toString()).type(TOPIC)
                .appId("/bench").contentType("application/octet-stream").timestamp(new java.util.Date()).headers(h).build();
    }

    private static double publishRaw(Connection connection, int messages) throws Exception {
        return publishRaw(connection, messages, MessageProperties.PERSISTENT_BASIC.builder().messageId("m").build());
    }

    private static double publishRaw(Connection connection, int messages, AMQP.BasicProperties props) throws Exception {
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        Semaphore window = new Semaphore(WINDOW);
        CountDownLatch done = new CountDownLatch(messages);
        AtomicLong failed = new AtomicLong();
        java.util.concurrent.ConcurrentSkipListSet<Long> outstanding = new java.util.concurrent.ConcurrentSkipListSet<>();
        ch.addConfirmListener((seq, multiple) -> settle(outstanding, seq, multiple, window, done, null),
                (seq, multiple) -> settle(outstanding, seq, multiple, window, done, failed));
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            window.acquire();
            outstanding.add(ch.getNextPublishSeqNo());
            ch.basicPublish(EXCHANGE, TOPIC, true, props, PAYLOAD);
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("raw publish did not finish");
        }
        long nanos = System.nanoTime() - start;
        ch.close();
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " raw publishes nacked");
        }
        return messages * 1e9 / nanos;
    }

    private static void settle(java.util.concurrent.ConcurrentSkipListSet<Long> outstanding, long seq, boolean multiple,
            Semaphore window, CountDownLatch done, AtomicLong failed) {
        int n = 0;
        if (multiple) {
            for (Long s; (s = outstanding.pollFirst()) != null; ) {
                if (s > seq) {
                    outstanding.add(s);
                    break;
                }
                n++;
            }
        } else if (outstanding.remove(seq)) {
            n = 1;
        }
        if (failed != null) {
            failed.addAndGet(n);
        }
        window.release(n);
        for (int i = 0; i < n; i++) {
            done.countDown();
        }
    }

    private static double publishBus(RabbitEventBus bus, int messages) throws Exception {
        dev.chassis.core.envelope.Envelope[] envelopes = new dev.chassis.core.envelope.Envelope[messages];
        for (int i = 0; i < messages; i++) {
            envelopes[i] = envelope(); // made before timing: the benchmark measures the bus, not envelope creation
        }
        CountDownLatch done = new CountDownLatch(messages);
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            bus.publish(TOPIC, envelopes[i]).whenComplete((ok, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                }
                done.countDown();
            });
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("chassis publish did not finish");
        }
        long nanos = System.nanoTime() - start;
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " chassis publishes failed");
        }
        return messages * 1e9 / nanos;
    }

    /** Spring AMQP's RabbitTemplate with correlated confirms, bounded by the same window of 256. */
    private static double publishSpring(org.springframework.amqp.rabbit.core.RabbitTemplate template, int messages)
            throws Exception {
        Semaphore window = new Semaphore(WINDOW);
        CountDownLatch done = new CountDownLatch(messages);
        AtomicLong failed = new AtomicLong();
        org.springframework.amqp.core.MessageProperties props = new org.springframework.amqp.core.MessageProperties();
        props.setDeliveryMode(org.springframework.amqp.core.MessageDeliveryMode.PERSISTENT);
        props.setMessageId("m");
        org.springframework.amqp.core.Message message = new org.springframework.amqp.core.Message(PAYLOAD, props);
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            window.acquire();
            org.springframework.amqp.rabbit.connection.CorrelationData cd =
                    new org.springframework.amqp.rabbit.connection.CorrelationData(Integer.toString(i));
            cd.getFuture().whenComplete((confirm, e) -> {
                if (e != null || !confirm.isAck() || cd.getReturned() != null) {
                    failed.incrementAndGet();
                }
                window.release();
                done.countDown();
            });
            template.send(EXCHANGE, TOPIC, message, cd);
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Spring publish did not finish");
        }
        long nanos = System.nanoTime() - start;
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " Spring publishes failed");
        }
        return messages * 1e9 / nanos;
    }

    private static dev.chassis.core.envelope.Envelope envelope() {
        return dev.chassis.core.envelope.Envelope.builder().type(TOPIC).source("/bench")
                .data("application/octet-stream", PAYLOAD).build();
    }

    /** Fills the consume queue through the bus, so both consumers read identical, decodable messages. */
    private static void fill(RabbitEventBus bus, int messages) throws Exception {
        SubscriptionHandle declare = bus.subscribe(Subscription.builder(CONSUME_QUEUE).topic("bench.consume")
                .handler(d -> { }).build());
        declare.close(); // declares the queue and its topology, then stops consuming
        publishBusTo(bus, "bench.consume", messages);
    }

    private static void publishBusTo(RabbitEventBus bus, String topic, int messages) throws Exception {
        CountDownLatch done = new CountDownLatch(messages);
        for (int i = 0; i < messages; i++) {
            bus.publish(topic, envelope()).whenComplete((ok, e) -> done.countDown());
        }
        done.await(120, TimeUnit.SECONDS);
    }

    private static double consumeRaw(Connection connection, int messages) throws Exception {
        Channel ch = connection.createChannel();
        ch.basicQos(PREFETCH);
        CountDownLatch done = new CountDownLatch(messages);
        long start = System.nanoTime();
        String tag = ch.basicConsume(CONSUME_QUEUE, false, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                    byte[] body) throws java.io.IOException {
                getChannel().basicAck(envelope.getDeliveryTag(), false);
                done.countDown();
            }
        });
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("raw consume did not finish");
        }
        long nanos = System.nanoTime() - start;
        ch.basicCancel(tag);
        ch.close();
        return messages * 1e9 / nanos;
    }

    private static double consumeBus(RabbitEventBus bus, int messages) throws Exception {
        CountDownLatch done = new CountDownLatch(messages);
        long start = System.nanoTime();
        SubscriptionHandle handle = bus.subscribe(Subscription.builder(CONSUME_QUEUE).topic("bench.consume")
                .prefetch(PREFETCH).handler(d -> done.countDown()).build());
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("chassis consume did not finish");
        }
        long nanos = System.nanoTime() - start;
        handle.close();
        return messages * 1e9 / nanos;
    }

    private static void report(String what, List<Double> raw, List<Double> chassis) {
        double r = median(raw);
        double c = median(chassis);
        System.out.printf("RESULT %s: raw %.0f msg/s, chassis %.0f msg/s, ratio %.2f%n", what, r, c, c / r);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
