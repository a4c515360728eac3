package dev.chassis.testkit.consul;

/** The state of a simulated health check, as Consul names it in JSON ({@code passing}, ...). */
public enum CheckStatus {
    /** Healthy. */
    PASSING,
    /** Degraded; excluded from {@code ?passing} answers like critical. */
    WARNING,
    /** Failing. */
    CRITICAL;

    /** @return the name in Consul's JSON, e.g. {@code "passing"} */
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static CheckStatus fromJson(String s) {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
