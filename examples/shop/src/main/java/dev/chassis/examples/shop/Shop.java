package dev.chassis.examples.shop;

import dev.chassis.core.ChassisException;
import dev.chassis.core.config.Config;
import dev.chassis.core.config.ConfigException;
import dev.chassis.core.lifecycle.ShutdownReport;
import dev.chassis.examples.order.OrderService;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the example system in one JVM on embedded defaults — in-memory event bus and registry, a
 * PostgreSQL database per service (see {@link ShopDatabases}), the API gateway on {@code GATEWAY_PORT}
 * (8080) — walks through a scripted scenario over HTTP through the gateway, printing each step, and then keeps serving until Ctrl-C (SIGTERM), or exits with
 * {@code --once}. Either way the services shut down gracefully.
 */
public final class Shop {
    private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";

    private Shop() {
    }

    /**
     * Starts the shop.
     *
     * @param args {@code --once} to exit after the scenario
     * @throws Exception if the scenario fails
     */
    public static void main(String[] args) throws Exception {
        // named, not found by the search for logback.xml, which would also find the gateway's and warn
        if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
            System.setProperty(LOGBACK_CONFIGURATION, "shop-logback.xml");
        }
        for (String arg : args) {
            if (!arg.equals("--once")) {
                System.err.println("unknown argument '" + arg + "'; usage: shop [--once]");
                System.exit(2);
            }
        }
        boolean once = List.of(args).contains("--once");
        ShopSystem system;
        try {
            system = ShopSystem.start(config(System.getenv(), System.getProperties()));
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        } catch (ChassisException e) {
            System.err.println("the shop cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // installed first, so that a SIGTERM in the middle of the scenario still shuts down gracefully
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop(system, System.out);
            stopped.countDown();
        }, "shop-shutdown"));
        System.out.println("Chassis shop demo — the example services in one JVM");
        System.out.println();
        ShopScenario scenario = new ShopScenario(System.out, Endpoints.of(system));
        scenario.run(system.services().values(), system.setup());
        if (once) {
            scenario.orderServiceDown(() -> system.stop(OrderService.NAME)); // at the end: the shop exits next
            System.exit(0); // runs the shutdown hook
        }
        System.out.println();
        System.out.println("Serving; Ctrl-C to stop.");
        System.out.println("    the gateway on " + system.gateway() + " (/api/users, /api/orders, /health, /ready)");
        system.services().values().forEach(s -> System.out.println("    " + s.name() + " on " + s.uri()
                + " (/health, /ready, /chassis)"));
        stopped.await();
    }

    /** The shop's configuration: the database keys and the gateway's port; everything else has its embedded default. */
    static Config config(Map<String, String> env, Properties systemProperties) {
        return Config.builder().env(env).systemProperties(systemProperties)
                .declare(ShopDatabases.keys(ShopSystem.names())).declare(ShopSystem.GATEWAY_PORT).build();
    }

    /** Shuts the services down and prints what each shutdown step did. */
    static void stop(ShopSystem system, PrintStream out) {
        system.close();
        out.println();
        out.println("graceful shutdown:");
        for (ShutdownReport report : system.shutdownReports()) {
            out.println("    " + report.steps().stream().map(s -> s.phase() + ":" + s.name() + "=" + s.outcome()).toList()
                    + " in " + report.took().toMillis() + " ms");
        }
    }
}
