package dev.chassis.examples.inventory;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.inbox.InboxTransaction;
import dev.chassis.core.saga.SagaEnvelopes;
import dev.chassis.messaging.saga.SagaParticipantHandler;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inventory's part in the order saga: {@code inventory.reserve} holds an order's units (or
 * refuses, naming the SKUs short of stock), {@code inventory.release} gives them back. Acts only the
 * first time a command's idempotency key is seen; a redelivery is answered from the reservation row.
 * Stateless and thread-safe.
 */
final class InventoryParticipant implements SagaParticipantHandler {
    static final String RESERVE = "inventory.reserve";
    static final String RELEASE = "inventory.release";
    private static final Logger log = LoggerFactory.getLogger(InventoryParticipant.class);
    private static final String SOURCE = "/inventory-service";

    private final Inventory inventory;

    InventoryParticipant(Inventory inventory) {
        this.inventory = requireNonNull(inventory, "inventory");
    }

    /** The payload of both commands; a release carries no lines. */
    record InventoryCommand(String orderId, @Nullable List<StockLine> lines) {
        InventoryCommand {
            requireNonNull(orderId, "orderId");
            lines = lines == null ? List.of() : List.copyOf(lines);
        }
    }

    @Override
    public Envelope handle(Envelope command, InboxTransaction tx, boolean firstTime) throws Exception {
        InventoryCommand body = command.dataAs(InventoryCommand.class);
        Reservation reservation;
        if (firstTime) {
            reservation = switch (command.type()) {
                case RESERVE -> inventory.reserve(tx.connection(), body.orderId(), body.lines());
                case RELEASE -> inventory.release(tx.connection(), body.orderId());
                default -> throw unknown(command);
            };
            log.info("{} for order {}: {}", command.type(), body.orderId(), reservation.status());
        } else {
            reservation = inventory.find(tx.connection(), body.orderId()).orElseThrow(() -> new IllegalStateException(
                    "command " + command.id() + " was handled, but order " + body.orderId() + " has no reservation"));
        }
        return reply(command, reservation);
    }

    private static Envelope reply(Envelope command, Reservation reservation) {
        if (command.type().equals(RELEASE)) {
            return SagaEnvelopes.replyTo(command).source(SOURCE).type("inventory.released")
                    .data(Map.of("orderId", reservation.orderId())).build();
        }
        return switch (reservation.status()) {
            case RESERVED -> SagaEnvelopes.replyTo(command).source(SOURCE).type("inventory.reserved")
                    .data(Map.of("reservationId", reservation.orderId(), "lines", reservation.lines())).build();
            case REJECTED -> SagaEnvelopes.failureReplyTo(command, requireNonNull(reservation.reason()))
                    .source(SOURCE).type("inventory.rejected").build();
            case RELEASED -> SagaEnvelopes.failureReplyTo(command, "order " + reservation.orderId()
                    + " was released before it was reserved").source(SOURCE).type("inventory.rejected").build();
        };
    }

    private static NonRetryableException unknown(Envelope command) {
        return new NonRetryableException("the inventory handles " + RESERVE + " and " + RELEASE + ", not "
                + command.type() + " (envelope " + command.id() + ")");
    }
}
