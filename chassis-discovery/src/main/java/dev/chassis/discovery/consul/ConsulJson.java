package dev.chassis.discovery.consul;

import dev.chassis.core.json.JsonCodec;
import dev.chassis.discovery.HealthCheckSpec;
import dev.chassis.discovery.Registration;
import dev.chassis.discovery.ServiceInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Consul's JSON for registrations, TTL updates and health answers. Stateless. */
final class ConsulJson {
    private static final Logger LOG = LoggerFactory.getLogger(ConsulJson.class);
    private static final JsonCodec JSON = JsonCodec.defaults();

    private ConsulJson() {
    }

    static String checkId(String instanceId) {
        return "service:" + instanceId;
    }

    /** The body of {@code PUT /v1/agent/service/register}. */
    static String registration(Registration r, boolean healthy) {
        ServiceInstance i = r.instance();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ID", i.id());
        body.put("Name", i.service());
        body.put("Address", i.host());
        body.put("Port", i.port());
        body.put("Tags", i.tags().stream().sorted().toList());
        body.put("Meta", i.metadata());
        HealthCheckSpec spec = r.check();
        if (spec.kind() != HealthCheckSpec.Kind.NONE) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("CheckID", checkId(i.id()));
            check.put("Name", "Service '" + i.service() + "' check");
            if (spec.kind() == HealthCheckSpec.Kind.TTL) {
                check.put("TTL", go(spec.ttl()));
                check.put("Status", healthy ? "passing" : "critical");
            } else {
                check.put("HTTP", spec.url().toString());
                check.put("Interval", go(spec.interval()));
                check.put("Timeout", go(spec.timeout()));
            }
            if (!spec.deregisterCriticalAfter().isZero()) {
                check.put("DeregisterCriticalServiceAfter", go(spec.deregisterCriticalAfter()));
            }
            body.put("Check", check);
        }
        return JSON.writeString(body);
    }

    /** The body of {@code PUT /v1/agent/check/update/{id}}. */
    static String ttlUpdate(boolean healthy, String output) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Status", healthy ? "passing" : "critical");
        body.put("Output", output);
        return JSON.writeString(body);
    }

    /** The instances of a {@code /v1/health/service/{name}} answer, sorted by id; malformed entries are skipped. */
    @SuppressWarnings("unchecked")
    static List<ServiceInstance> instances(String service, String body) {
        List<Object> entries = JSON.read(body, List.class);
        List<ServiceInstance> out = new ArrayList<>();
        for (Object e : entries) {
            try {
                Map<String, Object> entry = (Map<String, Object>) e;
                Map<String, Object> node = entry.get("Node") instanceof Map ? (Map<String, Object>) entry.get("Node") : Map.of();
                Map<String, Object> s = (Map<String, Object>) entry.get("Service");
                String address = text(s.get("Address"));
                if (address.isEmpty()) {
                    address = text(node.get("Address"));
                }
                Set<String> tags = s.get("Tags") instanceof List ? new HashSet<>((List<String>) s.get("Tags")) : Set.of();
                Map<String, String> meta = s.get("Meta") instanceof Map ? (Map<String, String>) s.get("Meta") : Map.of();
                out.add(new ServiceInstance(service, text(s.get("ID")), address, ((Number) s.get("Port")).intValue(),
                        tags, meta));
            } catch (RuntimeException ex) {
                LOG.debug("skipping a malformed entry of service {}: {}", service, ConsulHttp.describe(ex));
            }
        }
        out.sort(Comparator.comparing(ServiceInstance::id));
        return List.copyOf(out);
    }

    /** Go's duration notation, which Consul reads: {@code 10s}, {@code 1500ms}. */
    static String go(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static String text(Object o) {
        return o == null ? "" : o.toString();
    }
}
