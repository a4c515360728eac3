/**
 * Waiting in tests: {@link dev.chassis.testkit.await.Await} polls a condition until it holds or a
 * timeout passes, and then fails with a message that says what was awaited, for how long, and what
 * was last seen.
 */
@NullMarked
package dev.chassis.testkit.await;

import org.jspecify.annotations.NullMarked;
