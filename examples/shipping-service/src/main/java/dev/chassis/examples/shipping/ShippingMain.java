package dev.chassis.examples.shipping;

import dev.chassis.examples.support.ServiceMain;

/**
 * Runs the shipping service as a process of its own, configured by environment variables
 * ({@code PORT}, {@code DATABASE_URL}, {@code RABBITMQ_URL}, ...; see
 * {@link dev.chassis.examples.support.ServiceSettings}).
 */
public final class ShippingMain {
    private ShippingMain() {
    }

    /**
     * Starts the service and serves until SIGTERM.
     *
     * @param args none
     * @throws InterruptedException if interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run(new ShippingService());
    }
}
