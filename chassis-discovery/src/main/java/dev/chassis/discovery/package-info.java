/**
 * Service registries (Consul, static, in-memory), client-side load balancers and the discovery-aware HTTP `ServiceClient`.
 */
@NullMarked
package dev.chassis.discovery;

import org.jspecify.annotations.NullMarked;
