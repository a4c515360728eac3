package dev.chassis.examples.shop;

import java.net.URI;

/**
 * Where the scenario sends its requests: a base URL, ending in {@code /}, per API. Users and orders go
 * through the gateway ({@code http://localhost:8080/api/}); the gateway routes neither the e-mail
 * service's outbox view nor the inventory's stock, so the scenario reads and sets those on the
 * services' own ports. Immutable.
 *
 * @param api base of {@code users} and {@code orders} (the gateway)
 * @param emails base of {@code emails} (the e-mail service)
 * @param inventory base of {@code stock} (the inventory service)
 */
record Endpoints(URI api, URI emails, URI inventory) {
    /** The shop's gateway and, where it does not route, the services' own ports. */
    static Endpoints of(ShopSystem system) {
        return new Endpoints(system.gateway().resolve("/api/"), system.uri("email-service").resolve("/"),
                system.uri("inventory-service").resolve("/"));
    }
}
