/**
 * The shop: the example services in one JVM on embedded defaults — one in-memory event bus and
 * registry, a PostgreSQL database per service, the API gateway in front — and the scripted scenario
 * that {@code scripts/demo} runs through the gateway: a user, the welcome e-mail and the order saga's
 * three outcomes. Not API: run it with {@code java -jar shop.jar [--once]}.
 */
@NullMarked
package dev.chassis.examples.shop;

import org.jspecify.annotations.NullMarked;
