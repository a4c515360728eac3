package dev.chassis.examples.shop;

import dev.chassis.core.json.JsonCodec;
import dev.chassis.examples.support.RunningService;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The scripted scenario of the demo, over HTTP as a client would see it: a user registers, the read
 * model shows the user, the welcome e-mail goes out in the same correlation, and invalid and duplicate
 * registrations are refused. Each step prints what it sent and what it saw. Not thread-safe.
 */
final class ShopScenario {
    static final Duration WAIT = Duration.ofSeconds(15);

    /** What the scenario observed, for the test that runs it. */
    record Outcome(String userId, String email, int registrationStatus, int readStatus, String registrationCorrelation,
                   Map<String, Object> welcomeEmail, int invalidStatus, Map<String, Object> invalidBody,
                   int duplicateStatus, Map<String, Integer> readiness) {
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

    Outcome run(ShopSystem system) throws Exception {
        step("the services run in this JVM on an in-memory event bus and registry, with " + system.databaseDescription());
        system.services().values().stream().sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(s -> out.println("    " + s.name() + " on " + s.uri()));

        String email = "ada." + run + "@example.com";
        String correlation = "demo-" + run + "-signup";
        step("register a user: POST " + endpoints.users().resolve("users") + " in correlation " + correlation);
        HttpResponse<String> registered = post(endpoints.users().resolve("users"),
                "{\"name\":\"Ada Lovelace\",\"email\":\"" + email + "\"}", correlation);
        print(registered);
        String userId = (String) json(registered.body()).get("id");

        step("the projection catches up: GET /users/" + userId);
        HttpResponse<String> read = await(endpoints.users().resolve("users/" + userId), r -> r.statusCode() == 200);
        print(read);

        step("the e-mail service consumed user.created through its inbox and sent the welcome e-mail");
        HttpResponse<String> emails = await(endpoints.emails().resolve("emails?to=" + email),
                r -> r.statusCode() == 200 && !emailsIn(r).isEmpty());
        Map<String, Object> welcome = emailsIn(emails).get(0);
        out.println("    to " + welcome.get("recipient") + ": \"" + welcome.get("subject") + "\"");
        out.println("    caused by message " + welcome.get("messageId") + " in correlation " + welcome.get("correlationId")
                + (correlation.equals(welcome.get("correlationId")) ? " (the registration's)" : ""));

        step("an invalid registration is refused with the fields to fix");
        HttpResponse<String> invalid = post(endpoints.users().resolve("users"), "{\"name\":\" \",\"email\":\"ada-at-example\"}",
                "demo-" + run + "-invalid");
        print(invalid);

        step("registering the same address again is a conflict");
        HttpResponse<String> duplicate = post(endpoints.users().resolve("users"),
                "{\"name\":\"Ada again\",\"email\":\"" + email.toUpperCase(java.util.Locale.ROOT) + "\"}", "demo-" + run + "-again");
        print(duplicate);

        step("health and readiness of each service");
        Map<String, Integer> readiness = new java.util.TreeMap<>();
        for (RunningService service : system.services().values()) {
            HttpResponse<String> ready = get(service.uri().resolve("/ready"), "demo-" + run + "-ready");
            readiness.put(service.name(), ready.statusCode());
            out.println("    " + service.name() + " /ready -> " + ready.statusCode() + " " + ready.body());
        }
        return new Outcome(userId, email, registered.statusCode(), read.statusCode(), correlation, welcome,
                invalid.statusCode(), json(invalid.body()), duplicate.statusCode(), readiness);
    }

    private HttpResponse<String> post(URI uri, String body, String correlation) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-Correlation-Id", correlation)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(URI uri, String correlation) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("X-Correlation-Id", correlation)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls until the answer satisfies the condition; the system is eventually consistent. */
    private HttpResponse<String> await(URI uri, Predicate<HttpResponse<String>> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            HttpResponse<String> response = get(uri, "demo-" + run + "-poll");
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
