/**
 * Not API: hooks of the admin server for other chassis modules, which may show the JDK HTTP server it
 * runs on. They may change with the server; applications use {@link dev.chassis.core.admin.AdminServer}.
 */
@NullMarked
package dev.chassis.core.admin.internal;

import org.jspecify.annotations.NullMarked;
