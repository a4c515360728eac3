/**
 * Time for tests: {@link dev.chassis.testkit.time.TestClock}, a clock moved by hand.
 */
@NullMarked
package dev.chassis.testkit.time;

import org.jspecify.annotations.NullMarked;
