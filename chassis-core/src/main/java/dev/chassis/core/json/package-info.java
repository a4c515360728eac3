/**
 * JSON for the chassis: {@link dev.chassis.core.json.JsonCodec} with defaults for evolving
 * messages, and the typed {@link dev.chassis.core.json.JsonException}. A foundation package.
 */
@NullMarked
package dev.chassis.core.json;

import org.jspecify.annotations.NullMarked;
