/**
 * Consumer-driven contracts in the Pact format: a consumer declares the HTTP interactions and the
 * events it relies on, tests its own code against a stub provider or by handing example envelopes to
 * its handlers, and writes a Pact specification V4 file; a provider verifies pact files (V3 or V4,
 * from this package or from any other Pact implementation) against its running service or the code
 * that builds its envelopes.
 *
 * <p>Entry points: {@link dev.chassis.testkit.contract.HttpContract} and
 * {@link dev.chassis.testkit.contract.MessageContract} on the consumer side,
 * {@link dev.chassis.testkit.contract.HttpVerifier} and
 * {@link dev.chassis.testkit.contract.MessageVerifier} on the provider side, and
 * {@link dev.chassis.testkit.contract.Matchers} for flexible expectations.
 */
@NullMarked
package dev.chassis.testkit.contract;

import org.jspecify.annotations.NullMarked;
