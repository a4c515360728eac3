package dev.chassis.examples.shipping;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.inbox.InboxTransaction;
import dev.chassis.core.saga.SagaEnvelopes;
import dev.chassis.messaging.saga.SagaParticipantHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipping service's part in the order saga: {@code shipping.schedule} schedules an order's
 * shipment, {@code shipping.cancel} cancels it. Acts only the first time a command's idempotency key
 * is seen; a redelivery is answered from the shipment row. Stateless and thread-safe.
 */
final class ShippingParticipant implements SagaParticipantHandler {
    static final String SCHEDULE = "shipping.schedule";
    static final String CANCEL = "shipping.cancel";
    private static final Logger log = LoggerFactory.getLogger(ShippingParticipant.class);
    private static final String SOURCE = "/shipping-service";

    private final Shipments shipments;

    ShippingParticipant(Shipments shipments) {
        this.shipments = requireNonNull(shipments, "shipments");
    }

    /** The payload of both commands; a cancellation carries only the order id. */
    record ShippingCommand(String orderId, @Nullable String address) {
        ShippingCommand {
            requireNonNull(orderId, "orderId");
        }
    }

    @Override
    public Envelope handle(Envelope command, InboxTransaction tx, boolean firstTime) throws Exception {
        ShippingCommand body = command.dataAs(ShippingCommand.class);
        Shipment shipment;
        if (firstTime) {
            shipment = switch (command.type()) {
                case SCHEDULE -> shipments.schedule(tx.connection(), body.orderId(), address(body, command));
                case CANCEL -> shipments.cancel(tx.connection(), body.orderId());
                default -> throw new NonRetryableException("the shipping service handles " + SCHEDULE + " and "
                        + CANCEL + ", not " + command.type() + " (envelope " + command.id() + ")");
            };
            log.info("{} for order {}: {}", command.type(), body.orderId(), shipment.status());
        } else {
            shipment = shipments.find(tx.connection(), body.orderId()).orElseThrow(() -> new IllegalStateException(
                    "command " + command.id() + " was handled, but order " + body.orderId() + " has no shipment"));
        }
        if (command.type().equals(CANCEL)) {
            return SagaEnvelopes.replyTo(command).source(SOURCE).type("shipping.cancelled")
                    .data(Map.of("orderId", shipment.orderId())).build();
        }
        if (shipment.status() == Shipment.Status.CANCELLED) {
            return SagaEnvelopes.failureReplyTo(command, "the shipment of order " + shipment.orderId()
                    + " was cancelled before it was scheduled").source(SOURCE).type("shipping.refused").build();
        }
        Map<String, Object> scheduled = new LinkedHashMap<>();
        scheduled.put("shipmentId", requireNonNull(shipment.shipmentId()));
        scheduled.put("shipsOn", String.valueOf(shipment.shipsOn()));
        return SagaEnvelopes.replyTo(command).source(SOURCE).type("shipping.scheduled").data(scheduled).build();
    }

    private static String address(ShippingCommand body, Envelope command) {
        if (body.address() == null || body.address().isBlank()) {
            throw new NonRetryableException(command.type() + " " + command.id() + " lacks 'address'");
        }
        return body.address();
    }
}
