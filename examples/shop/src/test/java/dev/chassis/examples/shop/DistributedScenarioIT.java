package dev.chassis.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.examples.email.EmailService;
import dev.chassis.examples.support.Database;
import dev.chassis.examples.support.RunningService;
import dev.chassis.examples.support.ServiceDefinition;
import dev.chassis.examples.support.ServiceMain;
import dev.chassis.examples.user.UserService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scenario with each service wired as its own process would be — {@link ServiceMain} from
 * environment variables: its own RabbitMQ connection, its own database schema on the local PostgreSQL,
 * the static registry — on an exchange of the test's own.
 */
class DistributedScenarioIT {
    private static final String RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/";
    private static final String DATABASE = "postgresql://postgres@127.0.0.1:5432/test";
    private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String exchange = "shop-it-" + id;
    private final List<RunningService> running = new ArrayList<>();

    private RunningService start(ServiceDefinition service) {
        Map<String, String> env = Map.of("DATABASE_URL", DATABASE, "DATABASE_SCHEMA", "dist_" + id + "_"
                + service.name().replace('-', '_'), "RABBITMQ_URL", RABBITMQ, "RABBITMQ_EXCHANGE", exchange, "PORT", "0");
        RunningService started = ServiceMain.start(service, ServiceMain.processConfig(service, env, new Properties()));
        running.add(started);
        return started;
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).shutdown();
        }
        try (Database database = Database.connect(DATABASE, "dist-cleanup");
             java.sql.Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS dist_" + id + "_user_service CASCADE");
            s.execute("DROP SCHEMA IF EXISTS dist_" + id + "_email_service CASCADE");
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri("amqp://guest:guest@127.0.0.1:5672"); // the default vhost; the trailing "/" would name ""
        try (Connection admin = factory.newConnection("shop-it-" + id + "-cleanup")) {
            List<String> queues = new ArrayList<>(List.of(EmailService.QUEUE, EmailService.QUEUE + ".dlq"));
            RetryPolicy.ofDefaults().distinctDelays().forEach(d -> queues.add(EmailService.QUEUE + ".retry." + d.toMillis() + "ms"));
            for (String queue : queues) {
                try (Channel ch = admin.createChannel()) {
                    ch.queueDelete(queue);
                }
            }
            try (Channel ch = admin.createChannel()) {
                ch.exchangeDelete(EmailService.QUEUE + ".dlx");
                ch.exchangeDelete(exchange);
            }
        }
    }

    @Test
    void scenarioRunsTheSameOnRabbitMqWithADatabaseSchemaPerService() throws Exception {
        // given: consumers first, as a deployment would start them
        RunningService email = start(new EmailService());
        RunningService user = start(new UserService());
        var printed = new ByteArrayOutputStream();

        // when
        ShopScenario.Outcome outcome = new ShopScenario(new PrintStream(printed, true, StandardCharsets.UTF_8),
                new Endpoints(user.uri().resolve("/"), email.uri().resolve("/")))
                .run(running, "as separate services on RabbitMQ and PostgreSQL");

        // then
        ScenarioChecks.assertSucceeded(outcome);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("(the registration's)");
    }
}
