package dev.chassis.examples.email;

import dev.chassis.core.bus.RetryPolicy;
import dev.chassis.core.bus.Subscription;
import dev.chassis.core.jdbc.TxRunner;
import dev.chassis.examples.support.JsonApi;
import dev.chassis.examples.support.ServiceContext;
import dev.chassis.examples.support.ServiceDefinition;
import dev.chassis.examples.support.ServiceMain;
import dev.chassis.examples.support.ServiceMessaging;
import dev.chassis.messaging.inbox.Inbox;
import java.util.Map;

/**
 * The e-mail service. Its queue {@value #QUEUE} receives {@code user.created}; each message is
 * handled through the inbox, so the welcome e-mail and the record of the message id commit together
 * and a redelivery sends nothing. {@code GET /emails?to=ada@example.com} lists the e-mails sent to an
 * address (without {@code to}: the newest 100), each with the id and correlation id of the message
 * that caused it. Tables live in the service's schema ({@code email_service} by default). Immutable and
 * thread-safe.
 */
public final class EmailService implements ServiceDefinition {
    /** The service's name. */
    public static final String NAME = "email-service";
    /** The queue of {@code user.created} messages, also the inbox's consumer name. */
    public static final String QUEUE = "email-service.user-created";

    /**
     * Runs the service as a process configured by environment variables (see {@code ServiceSettings}).
     *
     * @param args none
     * @throws InterruptedException if interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        ServiceMain.run(new EmailService());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void wire(ServiceContext context) {
        Mailbox mailbox = new Mailbox(TxRunner.of(context.dataSource()), context.schema());
        mailbox.create(context.schema());
        Inbox inbox = ServiceMessaging.inbox(context, QUEUE);
        ServiceMessaging.subscribe(context, Subscription.builder(QUEUE)
                .topic(UserCreated.TYPE)
                .retry(RetryPolicy.ofDefaults())
                .handler(inbox.handler(new WelcomeMailer(mailbox, context.clock())))
                .build());
        context.get("/emails", request -> JsonApi.ok(Map.of("emails", mailbox.sent(request.queryParam("to").filter(to -> !to.isBlank())))));
    }
}
