/**
 * Sagas over an {@link dev.chassis.core.bus.EventBus}: {@link dev.chassis.messaging.saga.SagaMessaging}
 * subscribes a {@link dev.chassis.core.saga.SagaOrchestrator} to its participants' reply topics, and
 * turns a participant's {@link dev.chassis.messaging.saga.SagaParticipantHandler} into a bus handler
 * that acts once per command idempotency key (recorded in an inbox store, in the transaction of the
 * effect) and answers every delivery. The commands themselves leave through the transactional outbox
 * ({@link dev.chassis.messaging.outbox.SagaOutbox}). See {@code docs/sagas.md}.
 */
@NullMarked
package dev.chassis.messaging.saga;

import org.jspecify.annotations.NullMarked;
