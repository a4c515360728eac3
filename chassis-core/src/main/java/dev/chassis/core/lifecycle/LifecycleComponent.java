package dev.chassis.core.lifecycle;

import static java.util.Objects.requireNonNull;

/**
 * Something with a start and a stop: a server, a consumer, a relay. A {@link Lifecycle} starts
 * components in the order added and stops them in reverse. Implementations must be safe to call
 * from any thread; {@code stop()} is called at most once, and only after {@code start()} returned.
 *
 * <pre>{@code
 * lifecycle.add(LifecycleComponent.of("admin-server", admin::start, admin::close));
 * }</pre>
 */
public interface LifecycleComponent {
    /**
     * The component's name, for logs, errors and the shutdown report.
     *
     * @return a non-blank name, unique within its lifecycle
     */
    String name();

    /**
     * Starts the component.
     *
     * @throws Exception any failure; the lifecycle stops what it started before and rethrows
     */
    void start() throws Exception;

    /**
     * Stops the component, releasing what it holds.
     *
     * @throws Exception any failure; logged, the lifecycle carries on with the next component
     */
    void stop() throws Exception;

    /**
     * A component from two actions.
     *
     * @param name the component's name
     * @param start what starts it
     * @param stop what stops it
     * @return an immutable component
     */
    static LifecycleComponent of(String name, LifecycleAction start, LifecycleAction stop) {
        requireNonNull(name, "name");
        requireNonNull(start, "start");
        requireNonNull(stop, "stop");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return new LifecycleComponent() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start() throws Exception {
                start.run();
            }

            @Override
            public void stop() throws Exception {
                stop.run();
            }

            @Override
            public String toString() {
                return "LifecycleComponent[" + name + "]";
            }
        };
    }
}
