/**
 * The admin HTTP server: health, readiness and a small operations API ({@code /chassis/...}) that
 * every module extends with its own {@link dev.chassis.core.admin.AdminRoute}s. A foundation
 * package: feature packages contribute routes, this package knows none of them.
 */
@NullMarked
package dev.chassis.core.admin;

import org.jspecify.annotations.NullMarked;
