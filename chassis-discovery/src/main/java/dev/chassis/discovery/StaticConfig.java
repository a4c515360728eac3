package dev.chassis.discovery;

import dev.chassis.core.config.Config;
import dev.chassis.core.config.ConfigException;
import dev.chassis.core.config.ConfigKey;
import dev.chassis.core.config.ConfigOrigin;
import dev.chassis.core.config.ConfigProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The configuration keys of {@link StaticServiceRegistry} and how their values are read and reported. */
final class StaticConfig {
    /** Receives what one key configured for one service. */
    interface Sink {
        void accept(String service, List<StaticHostPort> hostPorts);
    }

    private StaticConfig() {
    }

    static ConfigKey<String> staticKey(String service) {
        ServiceInstance.requireText(service, "service");
        return ConfigKey.string(StaticServiceRegistry.STATIC_KEY_PREFIX + service).optional()
                .description("fixed instances of " + service + ": host:port,host:port");
    }

    static ConfigKey<String> dnsKey(String service) {
        ServiceInstance.requireText(service, "service");
        return ConfigKey.string(StaticServiceRegistry.DNS_KEY_PREFIX + service).optional()
                .description("DNS names of " + service + ", each address an instance: name:port");
    }

    /**
     * Reads both keys of every service, handing what they hold to the sinks, and throws one
     * exception listing every malformed value and every service with neither key set.
     */
    static void read(Config config, String[] services, Sink fixed, Sink dns) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (String service : services) {
            ConfigKey<String> staticKey = staticKey(service);
            ConfigKey<String> dnsKey = dnsKey(service);
            Optional<String> fixedText = config.find(staticKey);
            Optional<String> dnsText = config.find(dnsKey);
            if (fixedText.isEmpty() && dnsText.isEmpty()) {
                problems.add(new ConfigProblem(staticKey.name(), ConfigProblem.Kind.MISSING, staticKey.name()
                        + ": no instances configured for " + service + "; set " + staticKey.name()
                        + " (environment variable " + staticKey.envName() + ") to host:port,host:port or "
                        + dnsKey.name() + " (environment variable " + dnsKey.envName() + ") to a DNS name:port"));
            }
            fixedText.ifPresent(text -> parse(config, staticKey, text, problems, list -> fixed.accept(service, list)));
            dnsText.ifPresent(text -> parse(config, dnsKey, text, problems, list -> dns.accept(service, list)));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static void parse(Config config, ConfigKey<String> key, String text, List<ConfigProblem> problems,
            java.util.function.Consumer<List<StaticHostPort>> use) {
        List<StaticHostPort> list;
        try {
            list = StaticHostPort.parseList(text);
        } catch (IllegalArgumentException e) {
            String where = config.origin(key) == ConfigOrigin.ENV ? "environment variable " + key.envName()
                    : "system property " + key.name();
            problems.add(new ConfigProblem(key.name(), ConfigProblem.Kind.MALFORMED, key.name()
                    + ": malformed value '" + escape(text) + "' in " + where + ": " + escape(String.valueOf(e.getMessage()))
                    + "; expected " + StaticHostPort.FORMAT));
            return;
        }
        use.accept(list);
    }

    /** Control and non-ASCII characters as {@code \}{@code uXXXX}, so a value cannot forge log lines. */
    private static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c > 0x7e) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
