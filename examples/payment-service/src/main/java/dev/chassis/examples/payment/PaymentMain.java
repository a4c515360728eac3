package dev.chassis.examples.payment;

import dev.chassis.examples.support.ServiceMain;

/**
 * Runs the payment service as a process of its own, configured by environment variables
 * ({@code PORT}, {@code DATABASE_URL}, {@code RABBITMQ_URL}, {@code PAYMENT_DECLINE_ABOVE}, ...; see
 * {@link dev.chassis.examples.support.ServiceSettings}).
 */
public final class PaymentMain {
    private PaymentMain() {
    }

    /**
     * Starts the service and serves until SIGTERM.
     *
     * @param args none
     * @throws InterruptedException if interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run(new PaymentService());
    }
}
