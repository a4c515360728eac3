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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pact files are byte-identical whatever the order or parallelism of the tests that write them. */
class PactWriterTest {
    @TempDir
    Path dir;

    private static List<ObjectNode> interactions(int count) {
        return PactMergeMain.interactions(0, count);
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
    void writesTheSameBytesWhenSeveralJvmsMergeAtOnce() throws Exception {
        // given
        Path sequential = PactWriter.file(dir.resolve("seq"), "c", "p");
        Path shared = PactWriter.file(dir.resolve("jvms"), "c", "p");
        PactWriter.merge(sequential, "c", "p", interactions(60));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> others = new ArrayList<>();

        // when: two other JVMs and this one write a third each, at the same time
        for (int[] range : new int[][] {{0, 20}, {20, 40}}) {
            others.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    PactMergeMain.class.getName(), shared.toString(), String.valueOf(range[0]), String.valueOf(range[1]))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
        PactMergeMain.interactions(40, 60).forEach(i -> PactWriter.merge(shared, "c", "p", List.of(i)));
        for (Process other : others) {
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(other.exitValue()).isZero();
        }

        // then
        assertThat(PactFile.read(shared).interactions()).hasSize(60);
        assertThat(Files.readAllBytes(shared)).isEqualTo(Files.readAllBytes(sequential));
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
