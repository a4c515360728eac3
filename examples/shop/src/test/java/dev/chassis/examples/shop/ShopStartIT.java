package dev.chassis.examples.shop;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.NonRetryableException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shop's start-up when the gateway's port is taken. */
class ShopStartIT {
    private final String prefix = ShopFixture.newPrefix();

    @AfterEach
    void dropDatabases() throws Exception {
        ShopFixture.dropDatabases(prefix);
    }

    @Test
    void refusesToStartOnATakenGatewayPortAndNamesTheSettingToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            assertThatThrownBy(() -> ShopSystem.start(ShopFixture.config(prefix, taken.getLocalPort())))
                    .isInstanceOf(NonRetryableException.class)
                    .hasMessageContaining("the gateway could not start on port " + taken.getLocalPort())
                    .hasMessageContaining("set GATEWAY_PORT to a free port, or 0 for any");
        }
    }
}
