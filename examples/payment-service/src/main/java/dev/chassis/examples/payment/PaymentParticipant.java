package dev.chassis.examples.payment;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.NonRetryableException;
import dev.chassis.core.envelope.Envelope;
import dev.chassis.core.inbox.InboxTransaction;
import dev.chassis.core.saga.SagaEnvelopes;
import dev.chassis.messaging.saga.SagaParticipantHandler;
import java.math.BigDecimal;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payment service's part in the order saga: {@code payment.process} charges an order (or
 * declines it above the limit), {@code payment.refund} pays a charge back. Acts only the first time
 * a command's idempotency key is seen; a redelivery is answered from the payment row. Stateless and
 * thread-safe.
 */
final class PaymentParticipant implements SagaParticipantHandler {
    static final String PROCESS = "payment.process";
    static final String REFUND = "payment.refund";
    private static final Logger log = LoggerFactory.getLogger(PaymentParticipant.class);
    private static final String SOURCE = "/payment-service";

    private final Payments payments;

    PaymentParticipant(Payments payments) {
        this.payments = requireNonNull(payments, "payments");
    }

    /** The payload of both commands; a refund carries only the order id. */
    record PaymentCommand(String orderId, @Nullable String customerId, @Nullable BigDecimal amount) {
        PaymentCommand {
            requireNonNull(orderId, "orderId");
        }
    }

    @Override
    public Envelope handle(Envelope command, InboxTransaction tx, boolean firstTime) throws Exception {
        PaymentCommand body = command.dataAs(PaymentCommand.class);
        Payment payment;
        if (firstTime) {
            payment = switch (command.type()) {
                case PROCESS -> payments.charge(tx.connection(), body.orderId(), required(body.customerId(), "customerId",
                        command), required(body.amount(), "amount", command));
                case REFUND -> payments.refund(tx.connection(), body.orderId());
                default -> throw new NonRetryableException("the payment service handles " + PROCESS + " and " + REFUND
                        + ", not " + command.type() + " (envelope " + command.id() + ")");
            };
            log.info("{} for order {}: {}", command.type(), body.orderId(), payment.status());
        } else {
            payment = payments.find(tx.connection(), body.orderId()).orElseThrow(() -> new IllegalStateException(
                    "command " + command.id() + " was handled, but order " + body.orderId() + " has no payment"));
        }
        return reply(command, payment);
    }

    private static <T> T required(@Nullable T value, String field, Envelope command) {
        if (value == null) {
            throw new NonRetryableException(command.type() + " " + command.id() + " lacks '" + field + "'");
        }
        return value;
    }

    private static Envelope reply(Envelope command, Payment payment) {
        if (command.type().equals(REFUND)) {
            return SagaEnvelopes.replyTo(command).source(SOURCE).type("payment.refunded")
                    .data(Map.of("orderId", payment.orderId())).build();
        }
        return switch (payment.status()) {
            case CHARGED -> SagaEnvelopes.replyTo(command).source(SOURCE).type("payment.processed")
                    .data(Map.of("paymentId", requireNonNull(payment.paymentId()))).build();
            case DECLINED -> SagaEnvelopes.failureReplyTo(command, requireNonNull(payment.reason()))
                    .source(SOURCE).type("payment.declined").build();
            case REFUNDED -> SagaEnvelopes.failureReplyTo(command, "order " + payment.orderId()
                    + " was refunded before it was charged").source(SOURCE).type("payment.declined").build();
        };
    }
}
