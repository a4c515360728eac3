package dev.chassis.core.eventsourcing;

import java.util.Map;

/**
 * Lifts the JSON data of one event type from one schema version to the next, when events are read.
 * The stored events stay as they were written; every read passes old data through the chain of
 * upcasters up to today's version, then into today's class.
 *
 * <p>The JSON object arrives as a mutable tree, as the JSON parser builds it: objects are
 * {@code Map<String, Object>} (insertion-ordered), arrays are {@code List<Object>}, and values are
 * {@code String}, {@code Integer}/{@code Long}/{@code BigInteger}, {@code Double}, {@code Boolean} or
 * {@code null}. Change it in place and return it, or return a new map of the same shape. An upcaster
 * must be a pure function of its input: it runs on every read, possibly concurrently.
 *
 * <pre>{@code
 * // version 1 had "amount" in whole euros, version 2 has "amountCents"
 * Upcaster toCents = json -> {
 *     Object euros = json.remove("amount");
 *     json.put("amountCents", ((Number) euros).longValue() * 100);
 *     return json;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Upcaster {
    /**
     * Rewrites one event's data from version {@code n} to version {@code n + 1}.
     *
     * @param json the event's data at version {@code n}, mutable
     * @return the data at version {@code n + 1}, usually {@code json} itself
     * @throws RuntimeException if the data cannot be lifted; decoding then fails with an
     *     {@link EventTypesException} of {@link EventTypesException.Problem#UPCASTER_FAILED}
     */
    Map<String, Object> upcast(Map<String, Object> json);
}
