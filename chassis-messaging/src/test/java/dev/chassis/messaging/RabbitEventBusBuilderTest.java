package dev.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chassis.core.RetryableException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RabbitEventBusBuilderTest {
    @Test
    void namesTheBadSetting() {
        RabbitEventBus.Builder b = RabbitEventBus.builder();
        assertThatThrownBy(() -> b.uri("http://localhost")).hasMessageStartingWith("uri");
        assertThatThrownBy(() -> b.port(0)).hasMessageStartingWith("port");
        assertThatThrownBy(() -> b.maxUnconfirmedPerChannel(0)).hasMessageStartingWith("maxUnconfirmedPerChannel");
        assertThatThrownBy(() -> b.publisherChannels(65)).hasMessageStartingWith("publisherChannels");
        assertThatThrownBy(() -> b.publishConfirmTimeout(Duration.ofMillis(1))).hasMessageStartingWith("publishConfirmTimeout");
        assertThatThrownBy(() -> b.heartbeat(Duration.ZERO)).hasMessageStartingWith("heartbeat");
        assertThatThrownBy(() -> b.exchange("amq.topic")).hasMessageStartingWith("exchange");
        assertThatThrownBy(() -> b.connectionName(" ")).hasMessageStartingWith("connectionName");
    }

    @Test
    void anUnreachableBrokerFailsBuildNamingHostAndPort() {
        // port 1 on the loopback refuses connections at once
        assertThatThrownBy(() -> RabbitEventBus.builder().host("127.0.0.1").port(1).build())
                .isInstanceOf(RetryableException.class)
                .hasMessageContaining("127.0.0.1:1");
    }
}
