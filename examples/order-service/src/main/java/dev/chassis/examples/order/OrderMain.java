package dev.chassis.examples.order;

import dev.chassis.examples.support.ServiceMain;

/**
 * Runs the order service as a process of its own, configured by environment variables
 * ({@code PORT}, {@code DATABASE_URL}, {@code RABBITMQ_URL}, {@code ORDER_SAGA_STEP_TIMEOUT}, ...;
 * see {@link dev.chassis.examples.support.ServiceSettings}).
 */
public final class OrderMain {
    private OrderMain() {
    }

    /**
     * Starts the service and serves until SIGTERM.
     *
     * @param args none
     * @throws InterruptedException if interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run(new OrderService());
    }
}
