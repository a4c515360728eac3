package dev.chassis.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chassis.core.json.JsonCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shop's gateway while the order service is down: orders get the fallback, users are still served. */
class GatewayFallbackIT {
    private final ShopFixture shop = new ShopFixture();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stopShop() throws Exception {
        shop.close();
    }

    @Test
    void placingAnOrderWhileTheOrderServiceIsDownGets503JsonAndUsersAreStillServed() throws Exception {
        // given
        URI api = shop.system.gateway().resolve("/api/");
        assertThat(post(api.resolve("orders"), "{}").statusCode()).isEqualTo(400); // routed: the service validates

        // when
        assertThat(shop.system.stop("order-service").isClean()).isTrue();
        HttpResponse<String> order = post(api.resolve("orders"), "{\"customerId\":\"c-1\",\"shippingAddress\":\"1 Main St\","
                + "\"lines\":[{\"sku\":\"SKU-1\",\"quantity\":1,\"unitPrice\":1.00}]}");
        HttpResponse<String> user = post(api.resolve("users"), "{\"name\":\"Grace Hopper\",\"email\":\"grace."
                + shop.prefix + "@example.com\"}");

        // then
        assertThat(order.statusCode()).isEqualTo(503);
        assertThat(order.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(json(order.body())).isEqualTo(Map.of("error", "Service temporarily unavailable"));
        assertThat(user.statusCode()).isEqualTo(201);
        String userId = (String) json(user.body()).get("id");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(get(api.resolve("users/" + userId)).statusCode()).isEqualTo(200));
    }

    private HttpResponse<String> post(URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String body) {
        return JsonCodec.defaults().read(body, Map.class);
    }
}
