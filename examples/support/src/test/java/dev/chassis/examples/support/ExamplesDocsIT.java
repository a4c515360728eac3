package dev.chassis.examples.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chassis.discovery.InMemoryServiceRegistry;
import dev.chassis.messaging.InMemoryEventBus;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the samples of docs/examples.md. */
class ExamplesDocsIT {
    final class PingService implements ServiceDefinition {
        @Override
        public String name() {
            return "ping-service";
        }

        @Override
        public void wire(ServiceContext context) {
            context.get("/ping/{name}", request -> JsonApi.ok(Map.of("pong", request.pathParam("name"))));
        }
    }

    @Test
    void aServiceCopiedFromTheTemplateServesItsRouteInProcess() throws Exception {
        // given
        HttpClient http = HttpClient.newHttpClient();
        try (InMemoryEventBus bus = InMemoryEventBus.create();
             InMemoryServiceRegistry registry = InMemoryServiceRegistry.create();
             Database database = Database.connect(ServiceHostIT.DATABASE_URL, "ping-service")) {

            // when
            RunningService ping = ServiceHost.start(new PingService(), ServiceDependencies.builder()
                    .bus(bus)
                    .registry(registry)
                    .dataSource(database.dataSource())
                    .port(0)
                    .build());
            HttpResponse<String> pong = http.send(HttpRequest.newBuilder(ping.uri().resolve("/ping/ada")).build(),
                    HttpResponse.BodyHandlers.ofString());
            ping.shutdown();

            // then
            assertThat(pong.statusCode()).isEqualTo(200);
            assertThat(pong.body()).isEqualTo("{\"pong\":\"ada\"}");
            assertThat(registry.healthyInstances("ping-service")).as("deregistered on shutdown").isEmpty();
        }
    }
}
