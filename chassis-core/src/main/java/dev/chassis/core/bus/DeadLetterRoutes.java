package dev.chassis.core.bus;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.admin.AdminRequest;
import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.admin.AdminRoute;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Admin routes over a bus's {@link DeadLetters}, for any {@link EventBus} implementation:
 * <ul>
 *   <li>{@code GET /chassis/dlq}: the queues with their dead-letter counts;</li>
 *   <li>{@code GET /chassis/dlq/{queue}?limit=20}: the oldest dead letters (limit 1..1000);</li>
 *   <li>{@code POST /chassis/dlq/{queue}/redrive}: redrive all, answers {@code {"redriven": n}};</li>
 *   <li>{@code POST /chassis/dlq/{queue}/redrive/{id}}: redrive one, 404 if there is no such letter.</li>
 * </ul>
 * A queue that is not in the supplied collection answers 404. The routes are stateless and
 * thread-safe.
 *
 * <pre>{@code
 * List<AdminRoute> routes = DeadLetterRoutes.of(bus.deadLetters(), () -> List.of("email-service.welcome"));
 * }</pre>
 */
public final class DeadLetterRoutes {
    private static final int DEFAULT_LIMIT = 20;

    private DeadLetterRoutes() {
    }

    /**
     * Builds the routes.
     *
     * @param deadLetters the bus's dead letters
     * @param queues the subscription queues to expose, asked on every request
     * @return four routes under {@code /chassis/dlq}
     */
    public static List<AdminRoute> of(DeadLetters deadLetters, Supplier<? extends Collection<String>> queues) {
        requireNonNull(deadLetters, "deadLetters");
        requireNonNull(queues, "queues");
        return List.of(
                AdminRoute.get("/chassis/dlq", request -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (String q : queues.get()) {
                        out.add(Map.of("queue", q, "count", deadLetters.count(q)));
                    }
                    return AdminResponse.json(200, out);
                }),
                AdminRoute.get("/chassis/dlq/{queue}", request -> {
                    String queue = request.pathParam("queue");
                    if (!queues.get().contains(queue)) {
                        return unknown(queue);
                    }
                    int limit;
                    try {
                        limit = request.queryParam("limit").map(Integer::parseInt).orElse(DEFAULT_LIMIT);
                    } catch (NumberFormatException e) {
                        return AdminResponse.error(400, "limit must be a number 1..1000");
                    }
                    if (limit < 1 || limit > 1000) {
                        return AdminResponse.error(400, "limit must be 1..1000, was " + limit);
                    }
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (DeadLetter letter : deadLetters.peek(queue, limit)) {
                        out.add(describe(letter));
                    }
                    return AdminResponse.json(200, out);
                }),
                AdminRoute.post("/chassis/dlq/{queue}/redrive", request -> {
                    String queue = request.pathParam("queue");
                    if (!queues.get().contains(queue)) {
                        return unknown(queue);
                    }
                    return AdminResponse.json(200, Map.of("queue", queue, "redriven", deadLetters.redriveAll(queue)));
                }),
                AdminRoute.post("/chassis/dlq/{queue}/redrive/{id}", request -> redriveOne(deadLetters, queues, request)));
    }

    private static AdminResponse redriveOne(DeadLetters deadLetters, Supplier<? extends Collection<String>> queues,
            AdminRequest request) {
        String queue = request.pathParam("queue");
        String id = request.pathParam("id");
        if (!queues.get().contains(queue)) {
            return unknown(queue);
        }
        if (!deadLetters.redrive(queue, id)) {
            return AdminResponse.error(404, "no dead letter '" + id + "' in queue '" + queue + "'");
        }
        return AdminResponse.json(200, Map.of("queue", queue, "id", id, "redriven", true));
    }

    private static AdminResponse unknown(String queue) {
        return AdminResponse.error(404, "no subscription queue '" + queue + "'");
    }

    private static Map<String, Object> describe(DeadLetter letter) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("messageId", letter.messageId());
        m.put("queue", letter.queue());
        m.put("topic", letter.topic());
        letter.decoded().ifPresent(e -> m.put("type", e.type()));
        m.put("contentType", letter.contentType());
        m.put("exceptionClass", letter.exceptionClass());
        m.put("exceptionMessage", letter.exceptionMessage());
        m.put("attempts", letter.attempts());
        m.put("deadLetteredAt", letter.deadLetteredAt().toString());
        byte[] body = letter.body();
        if (isText(letter.contentType())) {
            m.put("body", new String(body, StandardCharsets.UTF_8));
        } else {
            m.put("bodyBase64", Base64.getEncoder().encodeToString(body));
        }
        return m;
    }

    private static boolean isText(String contentType) {
        String ct = contentType.toLowerCase(java.util.Locale.ROOT);
        return ct.startsWith("text/") || ct.startsWith("application/json") || ct.contains("+json");
    }
}
