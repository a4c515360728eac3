/**
 * Typed, validated access to environment variables and system properties.
 *
 * <p>A service declares its {@link dev.chassis.core.config.ConfigKey}s, builds one
 * {@link dev.chassis.core.config.Config} at start-up and reads typed values from it. Building fails
 * with a single {@link dev.chassis.core.config.ConfigException} that lists every missing, malformed or
 * unknown {@code chassis.*} key. The effective configuration, with secrets masked, is available as
 * data, as a printable table and as the admin route {@code GET /chassis/config}. A foundation
 * package.
 *
 * <pre>{@code
 * ConfigKey<Integer> port = ConfigKey.integer("chassis.admin.port", 1, 65535).withDefault(8081);
 * ConfigKey<URI> broker = ConfigKey.uri("RABBITMQ_URL").secret();
 * Config config = Config.builder().declare(port, broker).build();
 * int adminPort = config.get(port);
 * }</pre>
 */
@NullMarked
package dev.chassis.core.config;

import org.jspecify.annotations.NullMarked;
