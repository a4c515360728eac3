package dev.chassis.examples.support;

import dev.chassis.core.config.ConfigKey;
import java.util.List;

/**
 * An example service: its name, the configuration it reads beyond {@link ServiceSettings}, and how
 * it wires itself — stores, consumers, routes, health checks — into a {@link ServiceContext}. The same
 * definition runs in a process of its own ({@link ServiceMain}) or next to others in one JVM
 * ({@link ServiceHost}). Implementations are immutable and thread-safe; {@link #wire} is called once
 * per start.
 *
 * <pre>{@code
 * final class PingService implements ServiceDefinition {
 *     public String name() { return "ping-service"; }
 *     public void wire(ServiceContext context) {
 *         context.get("/ping", request -> JsonApi.ok(Map.of("pong", true)));
 *     }
 * }
 * }</pre>
 */
public interface ServiceDefinition {
    /**
     * The service's name: in the registry, in logs, as the CloudEvents source {@code /name}.
     *
     * @return e.g. {@code user-service}
     */
    String name();

    /**
     * The configuration keys the service reads besides {@link ServiceSettings#keys()}.
     *
     * @return the keys; none by default
     */
    default List<ConfigKey<?>> configKeys() {
        return List.of();
    }

    /**
     * The services this one calls over HTTP, found through the registry. A process without Consul
     * reads their addresses from {@code CHASSIS_DISCOVERY_STATIC_<NAME>} variables.
     *
     * @return service names; none by default
     */
    default List<String> calls() {
        return List.of();
    }

    /**
     * Creates the service's parts and adds them to the context. Tables are created here, before the
     * service starts serving.
     *
     * @param context the dependencies and the place to add routes, checks and components
     * @throws Exception if the service cannot be wired; the start fails with it
     */
    void wire(ServiceContext context) throws Exception;
}
