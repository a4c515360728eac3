package dev.chassis.examples.shop;

import dev.chassis.core.json.JsonCodec;
import dev.chassis.core.saga.SagaState;
import dev.chassis.examples.support.RunningService;
import dev.chassis.examples.payment.PaymentService;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The scripted scenario of the demo, over HTTP as a client would see it, through the gateway: a user
 * registers, the read model shows the user, the welcome e-mail goes out in the same correlation,
 * invalid and duplicate registrations are refused; then three orders run the order saga — one
 * completes, one is compensated for lack of stock, one for a declined payment. Every request carries
 * an {@code x-correlation-id} of its own, and each step prints what it sent, the correlation id that
 * came back and what it saw. Not thread-safe.
 */
final class ShopScenario {
    static final Duration WAIT = Duration.ofSeconds(30);
    /** The payment service's limit in the shop: its default, as no variable is set there. */
    static final BigDecimal DECLINE_ABOVE = new BigDecimal(PaymentService.DEFAULT_DECLINE_ABOVE);
    private static final String CORRELATION_HEADER = "x-correlation-id";

    /** What the scenario observed, for the tests that run it. */
    record Outcome(String userId, String email, int registrationStatus, int readStatus, String registrationCorrelation,
                   String returnedCorrelation, Map<String, Object> welcomeEmail, int invalidStatus,
                   Map<String, Object> invalidBody, int duplicateStatus, Map<String, OrderOutcome> orders,
                   Map<String, Integer> readiness) {
    }

    /**
     * How one order ended.
     *
     * @param id the order's id
     * @param placedStatus the status of {@code POST /api/orders}
     * @param correlation the correlation id sent with it
     * @param returnedCorrelation the one the gateway sent back
     * @param order the last {@code GET /api/orders/{id}}, with the saga and its history
     */
    record OrderOutcome(String id, int placedStatus, String correlation, String returnedCorrelation,
                        Map<String, Object> order) {
        String status() {
            return (String) order.get("status");
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> saga() {
            return (Map<String, Object>) order.get("saga");
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> history() {
            return (List<Map<String, Object>>) saga().get("history");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrintStream out;
    private final Endpoints endpoints;
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private int step;

    ShopScenario(PrintStream out, Endpoints endpoints) {
        this.out = out;
        this.endpoints = endpoints;
    }

    /**
     * Runs the scenario.
     *
     * @param services the running services, for their readiness
     * @param setup how they run, for the first line
     */
    Outcome run(Collection<RunningService> services, String setup) throws Exception {
        step("the services run " + setup);
        services.forEach(s -> out.println("    " + s.name() + " on " + s.uri()));
        out.println("    the gateway on " + endpoints.api().resolve("/") + " routes /api/users and /api/orders");

        String email = "ada." + run + "@example.com";
        String correlation = correlation("signup");
        URI users = endpoints.api().resolve("users");
        step("register a user through the gateway: POST " + users + " in correlation " + correlation);
        HttpResponse<String> registered = post(users, "{\"name\":\"Ada Lovelace\",\"email\":\"" + email + "\"}",
                correlation);
        print(registered);
        String userId = (String) json(registered.body()).get("id");

        step("the projection catches up: GET " + users + "/" + userId);
        HttpResponse<String> read = await(endpoints.api().resolve("users/" + userId), r -> r.statusCode() == 200);
        print(read);

        step("the e-mail service consumed user.created through its inbox and sent the welcome e-mail"
                + " (read on its own port: the gateway does not route it)");
        HttpResponse<String> emails = await(endpoints.emails().resolve("emails?to=" + email),
                r -> r.statusCode() == 200 && !emailsIn(r).isEmpty());
        Map<String, Object> welcome = emailsIn(emails).get(0);
        out.println("    to " + welcome.get("recipient") + ": \"" + welcome.get("subject") + "\"");
        out.println("    caused by message " + welcome.get("messageId") + " in correlation " + welcome.get("correlationId")
                + (correlation.equals(welcome.get("correlationId")) ? " (the registration's)" : ""));

        step("an invalid registration is refused with the fields to fix");
        HttpResponse<String> invalid = post(users, "{\"name\":\" \",\"email\":\"ada-at-example\"}",
                correlation("invalid"));
        print(invalid);

        step("registering the same address again is a conflict");
        HttpResponse<String> duplicate = post(users,
                "{\"name\":\"Ada again\",\"email\":\"" + email.toUpperCase(Locale.ROOT) + "\"}", correlation("again"));
        print(duplicate);

        String book = "BOOK-" + run;
        String lamp = "LAMP-" + run;
        step("stock arrives: " + book + " x 10, " + lamp + " x 1 (PUT /stock/{sku} on the inventory service's own port)");
        restock(book, 10);
        restock(lamp, 1);

        Map<String, OrderOutcome> orders = new LinkedHashMap<>();
        orders.put("completed", order("an order that completes: 2 x " + book + " at 19.90", userId, book, 2, "19.90",
                "order-ok"));
        orders.put("out-of-stock", order("an order beyond the stock: 3 x " + lamp + " with 1 on hand", userId, lamp, 3,
                "5.00", "order-no-stock"));
        orders.put("declined", order("an order the payment service declines: 2 x " + book + " at 750.00, above its limit"
                + " of " + DECLINE_ABOVE, userId, book, 2, "750.00", "order-declined"));

        step("health and readiness of each service");
        Map<String, Integer> readiness = new TreeMap<>();
        for (RunningService service : services) {
            HttpResponse<String> ready = get(service.uri().resolve("/ready"), correlation("ready"));
            readiness.put(service.name(), ready.statusCode());
            out.println("    " + service.name() + " /ready -> " + ready.statusCode() + " " + ready.body());
        }

        step("the correlation ids, each sent with its request and returned by the gateway");
        out.println("    registration   " + correlation + " -> " + returned(registered));
        orders.forEach((name, order) -> out.println("    " + String.format(Locale.ROOT, "%-14s", name) + " "
                + order.correlation() + " -> " + order.returnedCorrelation() + " (order " + order.id() + ")"));
        return new Outcome(userId, email, registered.statusCode(), read.statusCode(), correlation, returned(registered),
                welcome, invalid.statusCode(), json(invalid.body()), duplicate.statusCode(), orders, readiness);
    }

    /**
     * Stops the order service (it deregisters) and shows the gateway's fallback for a new order while
     * no instance is left.
     *
     * @param stopOrderService what stops it
     * @return the gateway's answer to {@code POST /api/orders}
     */
    HttpResponse<String> orderServiceDown(Runnable stopOrderService) throws Exception {
        URI orders = endpoints.api().resolve("orders");
        step("the order service stops and deregisters; the gateway answers for it: POST " + orders);
        stopOrderService.run();
        HttpResponse<String> refused = post(orders, orderBody("c-" + run, "BOOK-" + run, 1, "19.90"),
                correlation("order-down"));
        print(refused);
        return refused;
    }

    /** Places an order through the gateway, waits for its saga to end and prints the saga's history. */
    private OrderOutcome order(String what, String customerId, String sku, int quantity, String unitPrice, String name)
            throws Exception {
        String correlation = correlation(name);
        URI orders = endpoints.api().resolve("orders");
        step(what + ": POST " + orders + " in correlation " + correlation);
        HttpResponse<String> placed = post(orders, orderBody(customerId, sku, quantity, unitPrice), correlation);
        print(placed);
        if (placed.statusCode() != 202) {
            throw new IllegalStateException("POST " + orders + " answered " + placed.statusCode() + " " + placed.body());
        }
        String id = (String) json(placed.body()).get("id");
        HttpResponse<String> ended = await(endpoints.api().resolve("orders/" + id),
                r -> r.statusCode() == 200 && sagaEnded(json(r.body())));
        OrderOutcome outcome = new OrderOutcome(id, placed.statusCode(), correlation, returned(placed), json(ended.body()));
        Map<String, Object> saga = outcome.saga();
        out.println("    order " + id + " is " + outcome.status() + "; saga " + saga.get("state")
                + (saga.get("failure") == null ? "" : ": " + saga.get("failure")));
        for (Map<String, Object> transition : outcome.history()) {
            out.println("      " + transition.get("at") + "  " + transition.get("event")
                    + (transition.get("step") == null ? "" : " " + transition.get("step")));
        }
        return outcome;
    }

    /** Whether the order's saga is over: the order's status is written by a step, before the saga ends. */
    @SuppressWarnings("unchecked")
    private static boolean sagaEnded(Map<String, Object> order) {
        Map<String, Object> saga = (Map<String, Object>) order.get("saga");
        return saga != null && SagaState.valueOf((String) saga.get("state")).isFinal();
    }

    private static String orderBody(String customerId, String sku, int quantity, String unitPrice) {
        return "{\"customerId\":\"" + customerId + "\",\"shippingAddress\":\"12 St James's Square, London\","
                + "\"lines\":[{\"sku\":\"" + sku + "\",\"quantity\":" + quantity + ",\"unitPrice\":" + unitPrice + "}]}";
    }

    private void restock(String sku, int available) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoints.inventory().resolve("stock/" + sku))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header(CORRELATION_HEADER, correlation("stock"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"available\":" + available + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        print(response);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("PUT /stock/" + sku + " answered " + response.statusCode() + " "
                    + response.body());
        }
    }

    private String correlation(String name) {
        return "demo-" + run + "-" + name;
    }

    private static String returned(HttpResponse<String> response) {
        return response.headers().firstValue(CORRELATION_HEADER).orElse("(none)");
    }

    private HttpResponse<String> post(URI uri, String body, String correlation) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header(CORRELATION_HEADER, correlation)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(URI uri, String correlation) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header(CORRELATION_HEADER, correlation)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls until the answer satisfies the condition; the system is eventually consistent. */
    private HttpResponse<String> await(URI uri, Predicate<HttpResponse<String>> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            HttpResponse<String> response = get(uri, correlation("poll"));
            if (done.test(response)) {
                return response;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("GET " + uri + " did not show the expected result within " + WAIT.toSeconds()
                        + " s; last answer " + response.statusCode() + " " + response.body());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private void print(HttpResponse<String> response) {
        out.println("    -> " + response.statusCode() + " " + response.body());
    }

    private void step(String text) {
        out.println("[" + (++step) + "] " + text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String body) {
        return JsonCodec.defaults().read(body, Map.class);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> emailsIn(HttpResponse<String> response) {
        return (List<Map<String, Object>>) json(response.body()).get("emails");
    }
}
