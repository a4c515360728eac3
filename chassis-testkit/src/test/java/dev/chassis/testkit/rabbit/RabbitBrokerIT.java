package dev.chassis.testkit.rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

class RabbitBrokerIT {
    private static final List<String> QUEUES = new CopyOnWriteArrayList<>();
    private static final List<String> EXCHANGES = new CopyOnWriteArrayList<>();
    private static final List<Boolean> CLASS_QUEUE_ALIVE_IN_TESTS = new CopyOnWriteArrayList<>();

    @Test
    void deletesTheQueuesAndExchangesOfEachTestAndOfTheClass() throws Exception {
        // when
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Declaring.class)).execute()
                .testEvents();

        // then
        tests.assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(QUEUES).hasSize(3).doesNotHaveDuplicates();
        assertThat(EXCHANGES).hasSize(2).doesNotHaveDuplicates();
        assertThat(CLASS_QUEUE_ALIVE_IN_TESTS).containsExactly(true, true);
        for (String queue : QUEUES) {
            assertThat(exists(ch -> ch.queueDeclarePassive(queue))).as("queue " + queue).isFalse();
        }
        for (String exchange : EXCHANGES) {
            assertThat(exists(ch -> ch.exchangeDeclarePassive(exchange))).as("exchange " + exchange).isFalse();
        }
    }

    @Test
    void takesTheConnectionDetailsFromTheUri() {
        // when
        RabbitBroker broker = RabbitBroker.of("amqp://app:s%40cret@rabbit.example:5673/orders");

        // then
        assertThat(broker.host()).isEqualTo("rabbit.example");
        assertThat(broker.port()).isEqualTo(5673);
        assertThat(broker.username()).isEqualTo("app");
        assertThat(broker.password()).isEqualTo("s@cret");
        assertThat(broker.virtualHost()).isEqualTo("orders");
        assertThat(broker.uri()).isEqualTo("amqp://app:s%40cret@rabbit.example:5673/orders");
        assertThat(broker).hasToString("amqp://app@rabbit.example:5673/orders");
    }

    @Test
    void defaultsToTheLocalBroker() {
        // when
        RabbitBroker broker = RabbitBroker.of(RabbitBroker.DEFAULT_URI);

        // then
        assertThat(broker.host()).isEqualTo("127.0.0.1");
        assertThat(broker.port()).isEqualTo(5672);
        assertThat(broker.username()).isEqualTo("guest");
        assertThat(broker.password()).isEqualTo("guest");
        assertThat(broker.virtualHost()).isEqualTo("/");
    }

    @Test
    void rejectsAUriThatIsNotAmqp() {
        assertThatThrownBy(() -> RabbitBroker.of("http://127.0.0.1:15672"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("uri must look like amqp://user:password@host:5672/%2F, was http://127.0.0.1:15672");
    }

    @Test
    void namesTheBrokerWhenItIsUnreachable() {
        // when
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Unreachable.class)).execute()
                .containerEvents();

        // then
        tests.assertStatistics(s -> s.failed(1));
        assertThat(tests.failed().stream().map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElseThrow().getMessage()))
                .singleElement().asString()
                .startsWith("Cannot connect to RabbitMQ at amqp://guest@127.0.0.1:1/%2F: ")
                .endsWith("Start the broker, or point CHASSIS_TEST_RABBITMQ_URI at one.");
    }

    private interface Probe {
        void run(Channel channel) throws IOException;
    }

    private static boolean exists(Probe probe) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(RabbitBroker.DEFAULT_URI);
        try (Connection c = factory.newConnection("rabbit-broker-it")) {
            Channel ch = c.createChannel();
            try {
                probe.run(ch);
                ch.close();
                return true;
            } catch (IOException notFound) {
                return false;
            }
        }
    }

    static Channel channel(RabbitBroker broker, Connection[] holder) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(broker.host());
        factory.setPort(broker.port());
        factory.setUsername(broker.username());
        factory.setPassword(broker.password());
        factory.setVirtualHost(broker.virtualHost());
        holder[0] = factory.newConnection(broker.names().prefix());
        return holder[0].createChannel();
    }

    /** Run by the engine test kit above, not by the build. */
    static class Declaring {
        @RegisterExtension
        static final RabbitBroker rabbit = RabbitBroker.create();
        static String classQueue;

        @BeforeAll
        static void declareForTheClass() throws Exception {
            classQueue = rabbit.names().queue("shared");
            QUEUES.add(classQueue);
            Connection[] c = new Connection[1];
            try (Channel ch = channel(rabbit, c)) {
                ch.queueDeclare(classQueue, false, false, false, null);
            } finally {
                c[0].close();
            }
        }

        @Test
        void first() throws Exception {
            declareAndBind();
        }

        @Test
        void second() throws Exception {
            declareAndBind();
        }

        private static void declareAndBind() throws Exception {
            String queue = rabbit.names().queue("orders");
            String exchange = rabbit.names().exchange("events");
            QUEUES.add(queue);
            EXCHANGES.add(exchange);
            Connection[] c = new Connection[1];
            try (Channel ch = channel(rabbit, c)) {
                ch.exchangeDeclare(exchange, "topic");
                ch.queueDeclare(queue, true, false, false, null);
                ch.queueBind(queue, exchange, "#");
                CLASS_QUEUE_ALIVE_IN_TESTS.add(exists(probe -> probe.queueDeclarePassive(classQueue)));
            } finally {
                c[0].close();
            }
        }
    }

    /** Run by the engine test kit above, not by the build. */
    static class Unreachable {
        @RegisterExtension
        static final RabbitBroker rabbit = RabbitBroker.of("amqp://guest:guest@127.0.0.1:1/%2F");

        @Test
        void neverRuns() {
            assertThat(rabbit.names()).isNotNull();
        }
    }
}
