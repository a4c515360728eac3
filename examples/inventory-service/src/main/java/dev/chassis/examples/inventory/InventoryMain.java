package dev.chassis.examples.inventory;

import dev.chassis.examples.support.ServiceMain;

/**
 * Runs the inventory service as a process of its own, configured by environment variables
 * ({@code PORT}, {@code DATABASE_URL}, {@code RABBITMQ_URL}, ...; see
 * {@link dev.chassis.examples.support.ServiceSettings}).
 */
public final class InventoryMain {
    private InventoryMain() {
    }

    /**
     * Starts the service and serves until SIGTERM.
     *
     * @param args none
     * @throws InterruptedException if interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run(new InventoryService());
    }
}
