/**
 * The inventory service: stock per SKU, reserved for an order and released again as a participant
 * of the order saga. Commands arrive on the bus and are handled once per idempotency key through
 * the inbox; every delivery is answered. {@link dev.chassis.examples.inventory.InventoryService}
 * starts it in-process, {@link dev.chassis.examples.inventory.InventoryMain} as its own process.
 */
@NullMarked
package dev.chassis.examples.inventory;

import org.jspecify.annotations.NullMarked;
