package dev.chassis.discovery;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * One running instance of a service, as a registry knows it. Immutable.
 *
 * @param service the service's name, e.g. {@code "order-service"}; not blank
 * @param id the instance's id, unique within the registry, e.g. {@code "order-service-7f3a"}; not blank
 * @param host the host name or IP address callers use; not blank
 * @param port the port, 1 to 65535
 * @param tags free-form tags, copied
 * @param metadata string metadata (e.g. {@code version}, {@code zone}), copied
 */
public record ServiceInstance(String service, String id, String host, int port, Set<String> tags,
        Map<String, String> metadata) {
    /** Checks and copies the components. */
    public ServiceInstance {
        requireText(service, "service");
        requireText(id, "id");
        requireText(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, was " + port + " for instance " + id);
        }
        tags = Set.copyOf(requireNonNull(tags, "tags"));
        metadata = Map.copyOf(requireNonNull(metadata, "metadata"));
    }

    /**
     * An instance without tags or metadata.
     *
     * @param service the service name
     * @param id the instance id
     * @param host the host
     * @param port the port
     * @return the instance
     */
    public static ServiceInstance of(String service, String id, String host, int port) {
        return new ServiceInstance(service, id, host, port, Set.of(), Map.of());
    }

    /**
     * The base URI of this instance, e.g. {@code http://10.0.0.7:8080}.
     *
     * @param scheme {@code http} or {@code https}
     * @return the URI without a path
     */
    public URI uri(String scheme) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create(scheme + "://" + h + ":" + port);
    }

    static void requireText(String value, String name) {
        if (requireNonNull(value, name).isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
