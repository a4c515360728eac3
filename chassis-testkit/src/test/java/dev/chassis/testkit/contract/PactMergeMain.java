package dev.chassis.testkit.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Merges a range of sample interactions into a pact file, one write each; {@link PactWriterTest}
 * runs it in other JVMs to check the file lock. Arguments: file, first index, end index (exclusive).
 */
final class PactMergeMain {
    private PactMergeMain() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        interactions(Integer.parseInt(args[1]), Integer.parseInt(args[2]))
                .forEach(i -> PactWriter.merge(file, "c", "p", List.of(i)));
    }

    static List<ObjectNode> interactions(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> HttpInteraction.builder("interaction " + (char) ('a' + i % 26) + i)
                .given("state " + (i % 3), Map.of("n", i, "tags", List.of("x", "y")))
                .request(r -> r.method("POST").path("/things/" + i).query("q", "v" + i).header("X-N", String.valueOf(i))
                        .body(Map.of("z", i, "a", Matchers.like("text"), "m", Map.of("y", 1, "b", 2))))
                .response(r -> r.status(201).body(Map.of("id", Matchers.integer(i))))
                .build().node()).toList();
    }
}
