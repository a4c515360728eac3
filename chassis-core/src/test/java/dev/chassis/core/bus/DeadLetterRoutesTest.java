package dev.chassis.core.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.core.admin.AdminRequest;
import dev.chassis.core.admin.AdminResponse;
import dev.chassis.core.admin.AdminRoute;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterRoutesTest {
    private final List<String> redriven = new ArrayList<>();
    private final DeadLetters fake = new DeadLetters() {
        @Override
        public long count(String queue) {
            return 2;
        }

        @Override
        public List<DeadLetter> peek(String queue, int limit) {
            return List.of(new DeadLetter("m-1", queue, "t", null, "oops".getBytes(), "text/plain",
                    "java.lang.IllegalStateException", "boom", 3, Instant.parse("2026-01-01T00:00:00Z")));
        }

        @Override
        public long redriveAll(String queue) {
            redriven.add(queue + ":*");
            return 2;
        }

        @Override
        public boolean redrive(String queue, String messageId) {
            redriven.add(queue + ":" + messageId);
            return messageId.equals("m-1");
        }
    };
    private final List<AdminRoute> routes = DeadLetterRoutes.of(fake, () -> List.of("svc.q"));

    @Test
    void listsQueuesWithCounts() throws Exception {
        AdminResponse r = call("GET", "/chassis/dlq", Map.of(), Map.of());
        assertThat(r.status()).isEqualTo(200);

        assertThat(r.bodyText()).contains("\"queue\":\"svc.q\"").contains("\"count\":2");
    }

    @Test
    void peeksWithLimitAndRejectsBadLimits() throws Exception {
        AdminResponse ok = call("GET", "/chassis/dlq/{queue}", Map.of("queue", "svc.q"), Map.of("limit", List.of("5")));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.bodyText()).contains("\"messageId\":\"m-1\"").contains("\"body\":\"oops\"").contains("\"attempts\":3");
        assertThat(call("GET", "/chassis/dlq/{queue}", Map.of("queue", "svc.q"), Map.of("limit", List.of("0"))).status())
                .isEqualTo(400);
        assertThat(call("GET", "/chassis/dlq/{queue}", Map.of("queue", "svc.q"), Map.of("limit", List.of("x"))).status())
                .isEqualTo(400);
    }

    @Test
    void redrivesAllOrOneAndAnswers404ForUnknownQueuesAndIds() throws Exception {
        assertThat(call("POST", "/chassis/dlq/{queue}/redrive", Map.of("queue", "svc.q"), Map.of()).bodyText())
                .contains("\"redriven\":2");
        assertThat(call("POST", "/chassis/dlq/{queue}/redrive/{id}", Map.of("queue", "svc.q", "id", "m-1"), Map.of())
                .status()).isEqualTo(200);
        assertThat(call("POST", "/chassis/dlq/{queue}/redrive/{id}", Map.of("queue", "svc.q", "id", "m-2"), Map.of())
                .status()).isEqualTo(404);
        assertThat(call("POST", "/chassis/dlq/{queue}/redrive", Map.of("queue", "other"), Map.of()).status())
                .isEqualTo(404);
        assertThat(redriven).containsExactly("svc.q:*", "svc.q:m-1", "svc.q:m-2");
    }

    private AdminResponse call(String method, String template, Map<String, String> params,
            Map<String, List<String>> query) throws Exception {
        AdminRoute route = routes.stream().filter(r -> r.method().equals(method) && r.pathTemplate().equals(template))
                .findFirst().orElseThrow();
        return route.handler().handle(new AdminRequest(method, template, params, query, new byte[0]));
    }
}
