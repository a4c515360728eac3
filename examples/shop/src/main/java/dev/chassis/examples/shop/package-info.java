/**
 * The shop: the example services in one JVM on embedded defaults — one in-memory event bus and
 * registry, a PostgreSQL database per service — and the scripted scenario that {@code scripts/demo}
 * runs through their HTTP APIs. Not API: run it with {@code java -jar shop.jar [--once]}.
 */
@NullMarked
package dev.chassis.examples.shop;

import org.jspecify.annotations.NullMarked;
