package dev.chassis.testkit.consul;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A service registered with the {@link ConsulSimulator}, as the agent holds it. Immutable.
 *
 * @param id the service id
 * @param name the service name
 * @param address the address, empty if none was given
 * @param port the port
 * @param tags the tags
 * @param meta the metadata
 * @param checkIds the ids of its checks, e.g. {@code service:orders-1}
 */
public record SimulatedService(String id, String name, String address, int port, List<String> tags,
        Map<String, String> meta, List<String> checkIds) {
    /** Checks and copies the components. */
    public SimulatedService {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(address, "address");
        tags = List.copyOf(tags);
        meta = Map.copyOf(meta);
        checkIds = List.copyOf(checkIds);
    }
}
