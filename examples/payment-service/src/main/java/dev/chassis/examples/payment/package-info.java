/**
 * The payment service: charges an order once, declines amounts above a configured limit (so the
 * order saga has something to compensate), and refunds as a compensation. Commands arrive on the
 * bus and are handled once per idempotency key through the inbox; every delivery is answered.
 * {@link dev.chassis.examples.payment.PaymentService} starts it in-process,
 * {@link dev.chassis.examples.payment.PaymentMain} as its own process.
 */
@NullMarked
package dev.chassis.examples.payment;

import org.jspecify.annotations.NullMarked;
