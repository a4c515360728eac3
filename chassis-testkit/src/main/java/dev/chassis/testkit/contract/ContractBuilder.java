package dev.chassis.testkit.contract;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Configures a consumer-side contract, {@link HttpContract} or {@link MessageContract}: the consumer
 * and provider names, which name the pact file {@code <consumer>-<provider>.json}, and the folder
 * it is written to.
 *
 * <pre>{@code
 * HttpContract contract = HttpContract.builder().consumer("order-service").provider("user-service").build();
 * }</pre>
 *
 * <p>Not thread-safe; {@link #build()} copies what it needs.
 *
 * @param <T> the contract it builds
 */
public final class ContractBuilder<T> {
    /** Creates the contract from checked names and the folder. */
    interface Factory<T> {
        T create(String consumer, String provider, Path pactDirectory);
    }

    private final Factory<T> factory;
    private @Nullable String consumer;
    private @Nullable String provider;
    private Path pactDirectory = Path.of("target", "pacts");

    ContractBuilder(Factory<T> factory) {
        this.factory = factory;
    }

    /**
     * @param consumer the consuming service's name, for example {@code order-service}
     * @return this builder
     */
    public ContractBuilder<T> consumer(String consumer) {
        this.consumer = requireNonNull(consumer, "consumer");
        return this;
    }

    /**
     * @param provider the providing service's name, for example {@code user-service}
     * @return this builder
     */
    public ContractBuilder<T> provider(String provider) {
        this.provider = requireNonNull(provider, "provider");
        return this;
    }

    /**
     * @param pactDirectory where pact files go, default {@code target/pacts}
     * @return this builder
     */
    public ContractBuilder<T> pactDirectory(Path pactDirectory) {
        this.pactDirectory = requireNonNull(pactDirectory, "pactDirectory");
        return this;
    }

    /**
     * @return the contract
     * @throws IllegalStateException if the consumer or provider name is missing, blank, or not usable in a file name
     */
    public T build() {
        return factory.create(name(consumer, "consumer"), name(provider, "provider"), pactDirectory);
    }

    private static String name(@Nullable String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalStateException("set the " + what + " name, for example ." + what + "(\"user-service\")");
        }
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalStateException("the " + what + " name '" + name
                    + "' becomes part of a file name; use letters, digits, '.', '_' and '-' only");
        }
        return name;
    }
}
