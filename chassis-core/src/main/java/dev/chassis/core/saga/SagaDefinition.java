package dev.chassis.core.saga;

import static java.util.Objects.requireNonNull;

import dev.chassis.core.json.JsonCodec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A saga's recipe: an explicit type name (persisted with every instance, so never derived from a
 * class name), a version, the class of its JSON-serialisable data and an ordered list of
 * {@link SagaStep}s. Immutable and thread-safe.
 *
 * <pre>{@code
 * SagaDefinition<Order> orderSaga = SagaDefinition.builder("order-saga", Order.class)
 *         .version(1)
 *         .step("reserve-inventory", step -> step
 *                 .action(SagaAction.command(order -> SagaCommand.of("inventory", "inventory.reserve", order)))
 *                 .compensation(SagaAction.command(order -> SagaCommand.of("inventory", "inventory.release", order)))
 *                 .timeout(Duration.ofSeconds(30)))
 *         .step("confirm-order", step -> step.action(SagaAction.call((order, key) -> order)))
 *         .build();
 * }</pre>
 *
 * <p>Instances started with a version finish on it: change steps only in a new version and keep
 * the old one registered until its instances have finished.
 *
 * @param <S> the saga data type
 */
public final class SagaDefinition<S> {
    private final String type;
    private final int version;
    private final Class<S> dataType;
    private final List<SagaStep<S>> steps;

    private SagaDefinition(Builder<S> b) {
        this.type = b.type;
        this.version = b.version;
        this.dataType = b.dataType;
        this.steps = List.copyOf(b.steps);
    }

    /**
     * Starts a definition.
     *
     * @param type the saga type, e.g. {@code "order-saga"}
     * @param dataType the class of the saga data, read and written with {@link JsonCodec#defaults()}
     * @param <S> the saga data type
     * @return a builder, version 1 unless set
     */
    public static <S> Builder<S> builder(String type, Class<S> dataType) {
        requireNonNull(type, "type");
        requireNonNull(dataType, "dataType");
        if (type.isBlank()) {
            throw new IllegalArgumentException("type must not be blank: name the saga, e.g. \"order-saga\"");
        }
        return new Builder<>(type, dataType);
    }

    /** @return the saga type */
    public String type() {
        return type;
    }

    /** @return the version, from 1 */
    public int version() {
        return version;
    }

    /** @return the class of the saga data */
    public Class<S> dataType() {
        return dataType;
    }

    /** @return the steps in order */
    public List<SagaStep<S>> steps() {
        return steps;
    }

    /**
     * Finds a step by name.
     *
     * @param name the step name
     * @return the step, empty if there is none of that name
     */
    public Optional<SagaStep<S>> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    S read(String json) {
        return JsonCodec.defaults().read(json, dataType);
    }

    String write(S data) {
        return JsonCodec.defaults().writeString(requireNonNull(data, "saga data"));
    }

    @Override
    public String toString() {
        return type + " v" + version;
    }

    /**
     * Builds a {@link SagaDefinition}. Not thread-safe.
     *
     * @param <S> the saga data type
     */
    public static final class Builder<S> {
        private final String type;
        private final Class<S> dataType;
        private int version = 1;
        private final List<SagaStep<S>> steps = new ArrayList<>();

        private Builder(String type, Class<S> dataType) {
            this.type = type;
            this.dataType = dataType;
        }

        /**
         * Sets the version.
         *
         * @param version at least 1
         * @return this builder
         */
        public Builder<S> version(int version) {
            if (version < 1) {
                throw new IllegalArgumentException("version must be >= 1, was " + version);
            }
            this.version = version;
            return this;
        }

        /**
         * Adds the next step.
         *
         * @param name the step name, unique in the definition; it appears in envelopes and history
         * @param configure sets the step's action, compensation, timeout and retry policy
         * @return this builder
         */
        public Builder<S> step(String name, Consumer<SagaStep.Builder<S>> configure) {
            requireNonNull(name, "name");
            requireNonNull(configure, "configure");
            if (name.isBlank()) {
                throw new IllegalArgumentException("step name must not be blank");
            }
            SagaStep.Builder<S> step = SagaStep.builder(name);
            configure.accept(step);
            steps.add(step.build());
            return this;
        }

        /**
         * Builds the definition.
         *
         * @return the definition
         * @throws IllegalArgumentException if it has no steps or two steps share a name
         */
        public SagaDefinition<S> build() {
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("saga '" + type + "' has no steps: add one with step(name, ...)");
            }
            Set<String> names = new HashSet<>();
            for (SagaStep<S> s : steps) {
                if (!names.add(s.name())) {
                    throw new IllegalArgumentException("saga '" + type + "' has two steps named '" + s.name()
                            + "': step names must be unique");
                }
            }
            return new SagaDefinition<>(this);
        }
    }
}
