package dev.chassis.examples.shop;

import dev.chassis.core.config.Config;
import dev.chassis.core.config.ConfigException;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the example system in one JVM on the embedded defaults and walks through a scripted scenario,
 * printing what happens. With {@code --once} it exits after the scenario; otherwise it keeps serving
 * the admin endpoints until Ctrl-C (SIGTERM), then shuts down gracefully.
 */
public final class Shop {
    private Shop() {
    }

    /**
     * Starts the demo.
     *
     * @param args {@code --once} to exit after the scenario
     * @throws Exception if the scenario fails
     */
    public static void main(String[] args) throws Exception {
        List<String> arguments = List.of(args);
        for (String arg : arguments) {
            if (!arg.equals("--once")) {
                System.err.println("unknown argument '" + arg + "'; usage: shop [--once]");
                System.exit(2);
            }
        }
        boolean once = arguments.contains("--once");
        Config config;
        try {
            config = ShopDemo.config(System.getenv(), System.getProperties());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ShopDemo demo = new ShopDemo(config, System.out, once);
        CountDownLatch stopped = new CountDownLatch(1);
        // installed first, so a SIGTERM in the middle of the scenario still shuts down gracefully
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.shutdown();
            stopped.countDown();
        }, "shop-shutdown"));
        demo.runScenario();
        if (once) {
            demo.shutdown();
            return;
        }
        System.out.println();
        System.out.println("Serving the admin endpoints on http://localhost:" + demo.adminPort()
                + " (/health, /ready, /chassis/config, /chassis/resilience, /chassis). Ctrl-C to stop.");
        stopped.await();
    }
}
