package dev.chassis.examples.shop;

import java.net.URI;

/**
 * Where the scenario sends its requests: a base URL, ending in {@code /}, per API. Until the gateway
 * runs in the shop the services are called on their own ports; behind the gateway the users base is
 * {@code http://localhost:8080/api/}, a change to {@link #direct(ShopSystem)} alone. Immutable.
 *
 * @param users base of {@code users} (the user service)
 * @param emails base of {@code emails} (the e-mail service, which the gateway does not route)
 */
record Endpoints(URI users, URI emails) {
    /** Each service on its own port. */
    static Endpoints direct(ShopSystem system) {
        return new Endpoints(system.uri("user-service").resolve("/"), system.uri("email-service").resolve("/"));
    }
}
