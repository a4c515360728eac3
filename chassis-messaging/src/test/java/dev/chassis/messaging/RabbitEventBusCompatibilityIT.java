package dev.chassis.messaging;

import dev.chassis.core.bus.EventBus;
import dev.chassis.testkit.bus.EventBusCompatibilityKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every promise of the {@link EventBus} API, checked against the real broker: the same kit the
 * in-memory bus passes. Buses of one test share an exchange, as instances of a service share a broker.
 */
class RabbitEventBusCompatibilityIT extends EventBusCompatibilityKit {
    private RabbitFixture fixture;

    @BeforeEach
    void openFixture() throws Exception {
        fixture = new RabbitFixture();
    }

    @AfterEach
    void closeFixture() throws Exception {
        closeBusesAndDeleteQueues();
        fixture.close();
    }

    @Override
    protected EventBus createBus() {
        return fixture.bus();
    }

    @Override
    protected void deleteQueue(String queue) {
        try {
            fixture.deleteQueueTopology(queue);
        } catch (Exception e) {
            throw new IllegalStateException("cannot delete the topology of " + queue, e);
        }
    }
}
