/**
 * The shipping service: schedules one shipment per order for the next working day, and cancels it
 * as a compensation. Commands arrive on the bus and are handled once per idempotency key through the
 * inbox; every delivery is answered. {@link dev.chassis.examples.shipping.ShippingService} starts it
 * in-process, {@link dev.chassis.examples.shipping.ShippingMain} as its own process.
 */
@NullMarked
package dev.chassis.examples.shipping;

import org.jspecify.annotations.NullMarked;
