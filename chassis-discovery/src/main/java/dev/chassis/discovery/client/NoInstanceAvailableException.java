package dev.chassis.discovery.client;

import java.util.List;

/**
 * The registry knows no healthy instance of the service called: it is not registered (check the
 * name and the registry), not running, or failing its health checks. Instances are immutable once
 * thrown.
 */
public final class NoInstanceAvailableException extends ServiceCallException {
    private static final long serialVersionUID = 1L;

    NoInstanceAvailableException(String service) {
        super(service, List.of(), "no healthy instance of service '" + service + "' in the registry;"
                + " check that it is registered under this name and passing its health check", null);
    }
}
