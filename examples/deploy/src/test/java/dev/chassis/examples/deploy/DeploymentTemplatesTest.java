package dev.chassis.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.chassis.core.config.ConfigKey;
import dev.chassis.core.health.HealthRegistry;
import dev.chassis.discovery.StaticServiceRegistry;
import dev.chassis.examples.email.EmailService;
import dev.chassis.examples.inventory.InventoryService;
import dev.chassis.examples.order.OrderService;
import dev.chassis.examples.payment.PaymentService;
import dev.chassis.examples.shipping.ShippingService;
import dev.chassis.examples.support.ServiceDefinition;
import dev.chassis.examples.support.ServiceSettings;
import dev.chassis.examples.user.UserService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Keeps the deployment templates in step with the services: every service has a manifest and a
 * compose entry, probes point at the paths the services serve on the port they listen on, and every
 * variable the templates set is one the service reads (a misspelt variable would otherwise be ignored
 * silently).
 */
class DeploymentTemplatesTest {
    private static final Path DEPLOY = Path.of("").toAbsolutePath();
    private static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());
    /** What {@code ApiGatewayMain} reads, besides the static registry's keys of the routed services. */
    private static final Set<String> GATEWAY_VARIABLES = Set.of("PORT", "GATEWAY_ROUTES",
            "GATEWAY_UPSTREAM_TIMEOUT_MS", "GATEWAY_MAX_BODY_BYTES", "CONSUL_HTTP_ADDR", "CONSUL_HTTP_TOKEN");

    static Stream<String> services() {
        return Stream.of("api-gateway", "user-service", "email-service", "order-service", "inventory-service",
                "payment-service", "shipping-service");
    }

    @ParameterizedTest
    @MethodSource("services")
    void everyServiceHasADeploymentOfThreeReplicasWithProbesOnItsPort(String service) throws IOException {
        // given
        Map<String, JsonNode> docs = manifest(service);
        JsonNode deployment = docs.get("Deployment");
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        Map<String, String> env = env(container);

        // then
        assertThat(deployment.at("/metadata/name").asText()).isEqualTo(service);
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(container.at("/image").asText()).startsWith("chassis/" + service + ":");
        assertThat(container.at("/ports/0/name").asText()).isEqualTo("http");
        int port = container.at("/ports/0/containerPort").asInt();
        assertThat(env).containsEntry("PORT", String.valueOf(port));
        assertThat(port).as("the port the image exposes and checks").isEqualTo(dockerfilePort());
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo(livenessPath());
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo(readinessPath());
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo(livenessPath());
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(container.at("/" + probe + "/httpGet/port").asText()).as(probe).isEqualTo("http");
        }
        assertThat(container.at("/resources/requests/cpu").isMissingNode()).isFalse();
        assertThat(container.at("/resources/requests/memory").isMissingNode()).isFalse();
        assertThat(container.at("/resources/limits/memory").isMissingNode()).isFalse();
        assertThat(deployment.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("services")
    void everyServiceHasAClusterIpServiceOnItsContainerPort(String service) throws IOException {
        // given
        Map<String, JsonNode> docs = manifest(service);
        JsonNode deployment = docs.get("Deployment");
        JsonNode svc = docs.get("Service");

        // then
        assertThat(svc.at("/metadata/name").asText()).isEqualTo(service);
        assertThat(svc.at("/spec/type").asText()).isEqualTo("ClusterIP");
        assertThat(svc.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
        assertThat(YAML.convertValue(svc.at("/spec/selector"), Map.class))
                .isEqualTo(YAML.convertValue(deployment.at("/spec/selector/matchLabels"), Map.class));
        assertThat(YAML.convertValue(deployment.at("/spec/template/metadata/labels"), Map.class))
                .containsAllEntriesOf(YAML.convertValue(deployment.at("/spec/selector/matchLabels"), Map.class));
    }

    @ParameterizedTest
    @MethodSource("services")
    void manifestsSetOnlyVariablesTheServiceReadsAndTakeDatabaseUrlsFromSecrets(String service)
            throws IOException {
        // given
        JsonNode container = manifest(service).get("Deployment").at("/spec/template/spec/containers/0");
        Set<String> secrets = secretNames();

        // when
        Set<String> unknown = new HashSet<>(env(container).keySet());
        unknown.removeAll(variablesOf(service));
        unknown.removeIf(name -> name.startsWith("OTEL_"));

        // then
        assertThat(unknown).as("variables %s does not read", service).isEmpty();
        for (JsonNode var : container.at("/env")) {
            if (var.path("name").asText().endsWith("_URL") && !var.path("name").asText().startsWith("OTEL_")) {
                assertThat(var.has("valueFrom")).as(var.path("name").asText() + " comes from a secret").isTrue();
            }
            if (var.has("valueFrom")) {
                assertThat(secrets).contains(var.at("/valueFrom/secretKeyRef/name").asText());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("services")
    void composeRunsEveryServiceFromTheDockerfileWithVariablesItReads(String service) throws IOException {
        // given
        JsonNode compose = YAML.readTree(DEPLOY.resolve("docker-compose.yml").toFile());
        JsonNode entry = compose.at("/services/" + service);
        Set<String> databases = databasesCreated();

        // when
        Map<String, String> env = new HashMap<>();
        entry.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        Set<String> unknown = new HashSet<>(env.keySet());
        unknown.removeAll(variablesOf(service));
        unknown.removeIf(name -> name.startsWith("OTEL_"));

        // then
        assertThat(entry.isMissingNode()).as(service + " in docker-compose.yml").isFalse();
        assertThat(entry.at("/build/dockerfile").asText()).isEqualTo("examples/deploy/Dockerfile");
        assertThat(entry.at("/build/args/SERVICE").asText()).isEqualTo(service);
        assertThat(env).containsEntry("PORT", String.valueOf(dockerfilePort()));
        assertThat(unknown).as("variables %s does not read", service).isEmpty();
        if (env.containsKey("DATABASE_URL")) {
            String database = env.get("DATABASE_URL").substring(env.get("DATABASE_URL").lastIndexOf('/') + 1);
            assertThat(databases).as("databases created by postgres-init.sql").contains(database);
        }
        for (String dependency : List.of("rabbitmq", "postgres", "consul", "jaeger")) {
            if (entry.at("/depends_on/" + dependency).isMissingNode()) {
                continue;
            }
            assertThat(compose.at("/services/" + dependency).isMissingNode()).isFalse();
        }
    }

    @Test
    void theImageRunsAsAnUnprivilegedUserAndChecksHealthOnItsPort() throws IOException {
        // given
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));

        // then
        assertThat(dockerfile).containsPattern("(?m)^FROM .+ AS build$");
        assertThat(dockerfile).containsPattern("(?m)^USER 10001:10001$");
        assertThat(dockerfile).containsPattern("(?m)^HEALTHCHECK .*\\n?.*http://127\\.0\\.0\\.1:\\$\\{PORT\\}"
                + Pattern.quote(livenessPath()));
        assertThat(dockerfile).containsPattern("(?m)^ENV PORT=" + dockerfilePort());
        assertThat(dockerfile).containsPattern("(?m)^EXPOSE " + dockerfilePort() + "$");
        assertThat(dockerfile).contains("HOST=0.0.0.0");
    }

    @Test
    void theServicesDefaultPortIsTheTemplatesPort() {
        assertThat(ServiceSettings.PORT.defaultValue()).contains(dockerfilePort());
    }

    /** The variables a service reads: the shared settings, its own keys and the static registry's. */
    private static Set<String> variablesOf(String service) {
        if (service.equals("api-gateway")) {
            Set<String> names = new HashSet<>(GATEWAY_VARIABLES);
            StaticServiceRegistry.configKeys("user-service", "order-service").forEach(k -> names.add(k.envName()));
            return names;
        }
        ServiceDefinition definition = definitions().get(service);
        List<ConfigKey<?>> keys = new ArrayList<>(ServiceSettings.keys());
        keys.addAll(definition.configKeys());
        keys.addAll(StaticServiceRegistry.configKeys(definition.calls().toArray(String[]::new)));
        return keys.stream().map(ConfigKey::envName).collect(Collectors.toSet());
    }

    private static Map<String, ServiceDefinition> definitions() {
        Map<String, ServiceDefinition> byName = new HashMap<>();
        for (ServiceDefinition d : List.of(new UserService(), new EmailService(), new OrderService(),
                new InventoryService(), new PaymentService(), new ShippingService())) {
            byName.put(d.name(), d);
        }
        return byName;
    }

    private static String livenessPath() {
        return HealthRegistry.builder().build().adminRoutes().get(0).pathTemplate();
    }

    private static String readinessPath() {
        return HealthRegistry.builder().build().adminRoutes().get(1).pathTemplate();
    }

    private static int dockerfilePort() {
        try {
            Matcher m = Pattern.compile("(?m)^EXPOSE (\\d+)$").matcher(Files.readString(DEPLOY.resolve("Dockerfile")));
            assertThat(m.find()).as("EXPOSE in the Dockerfile").isTrue();
            return Integer.parseInt(m.group(1));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, JsonNode> manifest(String service) throws IOException {
        Map<String, JsonNode> byKind = new HashMap<>();
        for (JsonNode doc : documents(DEPLOY.resolve("k8s").resolve(service + ".yaml"))) {
            byKind.put(doc.path("kind").asText(), doc);
        }
        assertThat(byKind).containsKeys("Deployment", "Service");
        return byKind;
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
        }
        return docs;
    }

    private static Set<String> secretNames() throws IOException {
        Set<String> names = new HashSet<>();
        for (JsonNode doc : documents(DEPLOY.resolve("k8s").resolve("secrets.example.yaml"))) {
            assertThat(doc.path("kind").asText()).isEqualTo("Secret");
            names.add(doc.at("/metadata/name").asText());
        }
        return names;
    }

    private static Set<String> databasesCreated() throws IOException {
        Matcher m = Pattern.compile("CREATE DATABASE (\\w+);").matcher(Files.readString(DEPLOY.resolve("postgres-init.sql")));
        Set<String> names = new HashSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode var : container.path("env")) {
            env.put(var.path("name").asText(), var.has("value") ? var.path("value").asText() : "<secret>");
        }
        return env;
    }
}
