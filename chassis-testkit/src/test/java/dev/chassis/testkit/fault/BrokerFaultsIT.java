package dev.chassis.testkit.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.chassis.testkit.await.Await;
import dev.chassis.testkit.rabbit.RabbitBroker;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BrokerFaultsIT {
    @RegisterExtension
    static final RabbitBroker rabbit = RabbitBroker.create();

    private final BrokerFaults faults = BrokerFaults.local();

    @Test
    void closesTheConnectionsOfOneClientByNameOnly() throws Exception {
        // given
        String prefix = rabbit.names().prefix();
        Connection victim = connect(prefix + ".relay", rabbit.username(), rabbit.password());
        try (Connection bystander = connect("bystander-" + prefix, rabbit.username(), rabbit.password())) {
            // when
            int closed = faults.closeConnectionsNamed(prefix, "fault test");

            // then
            assertThat(closed).isEqualTo(1);
            Await.until("the named connection is closed", () -> !victim.isOpen(), Duration.ofSeconds(10));
            assertThat(victim.getCloseReason().getMessage()).contains("fault test");
            assertThat(bystander.isOpen()).isTrue();
            assertThat(faults.connectionsNamed(prefix)).isEmpty();
        } finally {
            victim.abort();
        }
    }

    @Test
    void closesTheConnectionsOfOneUser() throws Exception {
        // given a user of this test only
        String user = rabbit.names().prefix() + ".user";
        faults.rabbitmqctl("add_user", user, "secret");
        try {
            faults.rabbitmqctl("set_permissions", "-p", rabbit.virtualHost(), user, ".*", ".*", ".*");
            Connection victim = connect(rabbit.names().prefix(), user, "secret");
            try {
                // when
                faults.closeConnectionsOfUser(user, "user fault test");

                // then
                Await.until("the user's connection is closed", () -> !victim.isOpen(), Duration.ofSeconds(10));
                assertThat(victim.getCloseReason().getMessage()).contains("user fault test");
            } finally {
                victim.abort();
            }
        } finally {
            faults.rabbitmqctl("delete_user", user);
        }
    }

    private Connection connect(String name, String user, String password) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(rabbit.host());
        factory.setPort(rabbit.port());
        factory.setVirtualHost(rabbit.virtualHost());
        factory.setUsername(user);
        factory.setPassword(password);
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection(name);
    }
}
