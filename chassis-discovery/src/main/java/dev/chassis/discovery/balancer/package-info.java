/**
 * Client-side load balancing: a {@link dev.chassis.discovery.balancer.LoadBalancer} picks one of a
 * service's healthy instances for each call and is told how each call went. Built in:
 * {@linkplain dev.chassis.discovery.balancer.LoadBalancer#roundRobin() round-robin},
 * {@linkplain dev.chassis.discovery.balancer.LoadBalancer#random() random} and
 * {@linkplain dev.chassis.discovery.balancer.LoadBalancer#powerOfTwoChoices() power of two choices}
 * on in-flight calls times recent latency, each of which can be wrapped with passive
 * {@linkplain dev.chassis.discovery.balancer.OutlierEjection outlier ejection}.
 *
 * <pre>{@code
 * LoadBalancer balancer = LoadBalancer.powerOfTwoChoices()
 *         .withOutlierEjection(OutlierEjection.ofDefaults());
 * }</pre>
 */
@NullMarked
package dev.chassis.discovery.balancer;

import org.jspecify.annotations.NullMarked;
