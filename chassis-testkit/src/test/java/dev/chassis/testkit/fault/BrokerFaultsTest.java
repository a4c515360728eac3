package dev.chassis.testkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks the commands the helper runs, with {@code echo} standing in for rabbitmqctl. */
class BrokerFaultsTest {
    private final BrokerFaults echo = BrokerFaults.using(List.of("echo", "rabbitmqctl"));

    @Test
    void closesAllConnectionsWithTheReason() {
        // when
        String ran = echo.rabbitmqctl("close_all_connections", "fault test");

        // then
        assertThat(ran).isEqualTo("rabbitmqctl -q close_all_connections fault test\n");
    }

    @Test
    void namesTheCommandAndItsOutputWhenItFails() {
        BrokerFaults failing = BrokerFaults.using(List.of("sh", "-c", "echo broker down; exit 3", "rabbitmqctl"));

        assertThatThrownBy(() -> failing.closeAllConnections("x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("-q close_all_connections x failed (exit 3): broker down");
    }

    @Test
    void saysWhenTheCommandIsMissing() {
        BrokerFaults missing = BrokerFaults.using(List.of("no-such-rabbitmqctl"));

        assertThatThrownBy(() -> missing.closeAllConnections("x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Cannot run no-such-rabbitmqctl -q close_all_connections x: ")
                .hasMessageEndingWith("Is rabbitmqctl installed and may this user run it?");
    }
}
