package dev.chassis.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.discovery.StaticServiceRegistry;
import dev.chassis.examples.email.EmailService;
import dev.chassis.examples.gateway.ApiGateway;
import dev.chassis.examples.order.OrderService;
import dev.chassis.examples.support.Database;
import dev.chassis.examples.support.RunningService;
import dev.chassis.examples.support.ServiceDefinition;
import dev.chassis.examples.support.ServiceMain;
import dev.chassis.messaging.saga.SagaMessaging;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scenario with each service wired as its own process would be — {@link ServiceMain} from
 * environment variables: its own RabbitMQ connection, its own database schema on the local PostgreSQL,
 * the static registry — on an exchange of the test's own, behind a gateway that finds the user and
 * order services in a static registry, as {@code scripts/run-distributed} runs them.
 */
class DistributedScenarioIT {
    private static final String RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/";
    private static final String DATABASE = "postgresql://postgres@127.0.0.1:5432/test";
    private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String exchange = "shop-it-" + id;
    private final List<RunningService> running = new ArrayList<>();
    private StaticServiceRegistry registry = StaticServiceRegistry.builder().build();
    private ApiGateway gateway;

    private RunningService start(ServiceDefinition service) {
        Map<String, String> env = Map.of("DATABASE_URL", DATABASE, "DATABASE_SCHEMA", schema(service.name()),
                "RABBITMQ_URL", RABBITMQ, "RABBITMQ_EXCHANGE", exchange, "PORT", "0");
        RunningService started = ServiceMain.start(service, ServiceMain.processConfig(service, env, new Properties()));
        running.add(started);
        return started;
    }

    private String schema(String service) {
        return "dist_" + id + "_" + service.replace('-', '_');
    }

    /** Each durable queue the services declare, with the retry policy that names its retry queues. */
    private static Map<String, RetryPolicy> queues() {
        Map<String, RetryPolicy> queues = new LinkedHashMap<>();
        queues.put(EmailService.QUEUE, RetryPolicy.ofDefaults());
        for (String participant : List.of("inventory-service", "payment-service", "shipping-service")) {
            queues.put(participant + ".saga-commands", RetryPolicy.ofDefaults());
        }
        queues.put(OrderService.NAME + ".saga-replies", SagaMessaging.REPLY_RETRY);
        return queues;
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        registry.close();
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).shutdown();
        }
        try (Database database = Database.connect(DATABASE, "dist-cleanup");
             java.sql.Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String service : ShopSystem.names()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema(service) + " CASCADE");
            }
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri("amqp://guest:guest@127.0.0.1:5672"); // the default vhost; the trailing "/" would name ""
        try (Connection admin = factory.newConnection("shop-it-" + id + "-cleanup")) {
            for (Map.Entry<String, RetryPolicy> queue : queues().entrySet()) {
                List<String> names = new ArrayList<>(List.of(queue.getKey(), queue.getKey() + ".dlq"));
                queue.getValue().distinctDelays().forEach(d -> names.add(queue.getKey() + ".retry." + d.toMillis() + "ms"));
                for (String name : names) {
                    try (Channel ch = admin.createChannel()) {
                        ch.queueDelete(name);
                    }
                }
                try (Channel ch = admin.createChannel()) {
                    ch.exchangeDelete(queue.getKey() + ".dlx");
                }
            }
            try (Channel ch = admin.createChannel()) {
                ch.exchangeDelete(exchange);
            }
        }
    }

    @Test
    void scenarioRunsTheSameOnRabbitMqWithADatabaseSchemaPerServiceBehindTheGateway() throws Exception {
        // given: consumers first, as a deployment would start them (the saga's participants before the order service)
        ShopSystem.SERVICES.forEach(this::start);
        StaticServiceRegistry.Builder instances = StaticServiceRegistry.builder();
        for (RunningService service : running) {
            instances.addInstances(service.name(), service.uri().getHost() + ":" + service.uri().getPort());
        }
        registry = instances.build();
        gateway = ApiGateway.start(registry, 0);
        Map<String, RunningService> byName = new LinkedHashMap<>();
        running.forEach(s -> byName.put(s.name(), s));
        var printed = new ByteArrayOutputStream();

        // when
        ShopScenario.Outcome outcome = new ShopScenario(new PrintStream(printed, true, StandardCharsets.UTF_8),
                new Endpoints(gateway.uri().resolve("/api/"), byName.get(EmailService.NAME).uri().resolve("/"),
                        byName.get("inventory-service").uri().resolve("/")))
                .run(running, "as separate services on RabbitMQ and PostgreSQL");

        // then
        ScenarioChecks.assertSucceeded(outcome);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("(the registration's)", "is CONFIRMED; saga COMPLETED");
    }
}
