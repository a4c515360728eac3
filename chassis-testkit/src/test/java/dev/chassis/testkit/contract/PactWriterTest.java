package dev.chassis.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pact files are byte-identical whatever the order or parallelism of the tests that write them. */
class PactWriterTest {
    @TempDir
    Path dir;

    private static List<ObjectNode> interactions(int count) {
        return IntStream.range(0, count).mapToObj(i -> HttpInteraction.builder("interaction " + (char) ('a' + i % 26) + i)
                .given("state " + (i % 3), Map.of("n", i, "tags", List.of("x", "y")))
                .request(r -> r.method("POST").path("/things/" + i).query("q", "v" + i).header("X-N", String.valueOf(i))
                        .body(Map.of("z", i, "a", Matchers.like("text"), "m", Map.of("y", 1, "b", 2))))
                .response(r -> r.status(201).body(Map.of("id", Matchers.integer(i))))
                .build().node()).toList();
    }

    @Test
    void writesTheSameBytesWhateverTheOrderOfTheWrites() throws Exception {
        // given
        List<ObjectNode> all = interactions(30);
        List<ObjectNode> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(7));
        Path first = PactWriter.file(dir.resolve("one"), "c", "p");
        Path second = PactWriter.file(dir.resolve("two"), "c", "p");

        // when
        all.forEach(i -> PactWriter.merge(first, "c", "p", List.of(i)));
        PactWriter.merge(second, "c", "p", shuffled.subList(0, 10));
        PactWriter.merge(second, "c", "p", shuffled.subList(10, 30));

        // then
        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
        String text = Files.readString(first, StandardCharsets.UTF_8);
        assertThat(text).endsWith("}\n").doesNotContain("\r").doesNotContainIgnoringCase("createdAt")
                .doesNotContain("pact-jvm");
        assertThat(PactFile.read(first).interactions()).hasSize(30).isSorted();
    }

    @Test
    void writesTheSameBytesWhenManyThreadsMergeAtOnce() throws Exception {
        // given
        List<ObjectNode> all = interactions(40);
        Path sequential = PactWriter.file(dir.resolve("seq"), "c", "p");
        Path parallel = PactWriter.file(dir.resolve("par"), "c", "p");
        PactWriter.merge(sequential, "c", "p", all);
        ExecutorService pool = Executors.newFixedThreadPool(8);

        // when
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (ObjectNode interaction : all) {
                writes.add(pool.submit(() -> PactWriter.merge(parallel, "c", "p", List.of(interaction))));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            pool.shutdownNow();
        }

        // then
        assertThat(Files.readAllBytes(parallel)).isEqualTo(Files.readAllBytes(sequential));
        assertThat(PactFile.read(parallel).interactions()).hasSize(40);
    }

    @Test
    void refusesTheSameInteractionDeclaredDifferentlyInOneRun() {
        // given
        Path file = PactWriter.file(dir, "c", "p");
        ObjectNode one = HttpInteraction.builder("get").request(r -> r.path("/a")).build().node();
        ObjectNode other = HttpInteraction.builder("get").request(r -> r.path("/b")).build().node();
        PactWriter.merge(file, "c", "p", List.of(one));

        // when / then
        assertThatThrownBy(() -> PactWriter.merge(file, "c", "p", List.of(other)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("declare the interaction 'get'").hasMessageContaining("differently");
    }

    @Test
    void replacesAnInteractionLeftByAnEarlierRun() throws Exception {
        // given: a file from an earlier run with an older version of "get"
        Path file = PactWriter.file(dir, "c", "p");
        ObjectNode old = HttpInteraction.builder("get").request(r -> r.path("/old")).build().node();
        Files.write(file, PactJson.write(PactWriter.document("c", "p", List.of(old))));

        // when
        PactWriter.merge(file, "c", "p", List.of(HttpInteraction.builder("get").request(r -> r.path("/new")).build().node()));

        // then
        assertThat(Files.readString(file)).contains("/new").doesNotContain("/old");
    }
}
