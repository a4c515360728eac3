package dev.chassis.discovery.balancer;

import dev.chassis.discovery.ServiceInstance;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** A uniform choice; without a given generator, the calling thread's {@link ThreadLocalRandom}. */
final class RandomBalancer implements LoadBalancer {
    private final @Nullable RandomGenerator random;

    RandomBalancer(@Nullable RandomGenerator random) {
        this.random = random;
    }

    @Override
    public ServiceInstance choose(String service, List<ServiceInstance> candidates) {
        int size = candidates.size();
        return size == 1 ? candidates.get(0) : candidates.get(generator(random).nextInt(size));
    }

    static RandomGenerator generator(@Nullable RandomGenerator random) {
        return random == null ? ThreadLocalRandom.current() : random;
    }

    @Override
    public String toString() {
        return "Random";
    }
}
