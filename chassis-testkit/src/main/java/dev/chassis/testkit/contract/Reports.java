package dev.chassis.testkit.contract;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Formats verification results as one readable {@link AssertionError}. Stateless. */
final class Reports {
    private Reports() {
    }

    /**
     * @return an error listing the mismatches per interaction
     */
    static AssertionError failure(String what, int interactions, List<Mismatch> mismatches) {
        Map<String, StringBuilder> byInteraction = new LinkedHashMap<>();
        for (Mismatch m : mismatches) {
            byInteraction.computeIfAbsent(m.interaction(), k -> new StringBuilder())
                    .append("\n  ").append(m.toString().replace("\n", "\n  "));
        }
        StringBuilder b = new StringBuilder(what).append(": ").append(mismatches.size())
                .append(mismatches.size() == 1 ? " mismatch" : " mismatches").append(" in ")
                .append(byInteraction.size()).append(" of ").append(interactions)
                .append(interactions == 1 ? " interaction" : " interactions");
        byInteraction.forEach((interaction, lines) -> b.append("\ninteraction ").append(interaction).append(':')
                .append(lines));
        return new AssertionError(b.toString());
    }

    static String exception(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
