package dev.chassis.core.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java sample in README.md and docs/ must appear, line for line, in a test of the project,
 * where it is compiled and run. A sample edited in the docs but not in its test fails here.
 */
class DocumentationSnippetsTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern TRAILING_COMMENT = Pattern.compile("\\s+//(?!/).*$");
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyJavaSampleInTheDocsIsRunByATest() throws IOException {
        // given
        String tests = normalize(allTestSources());
        List<String> missing = new ArrayList<>();

        // when
        for (Path doc : docs()) {
            Matcher m = JAVA_BLOCK.matcher(Files.readString(doc));
            while (m.find()) {
                if (!tests.contains(normalize(m.group(1)))) {
                    missing.add(REPO.relativize(doc) + ":\n" + m.group(1));
                }
            }
        }

        // then
        assertThat(missing).as("samples in the docs that no test contains verbatim").isEmpty();
    }

    @Test
    void findsTheDocs() throws IOException {
        assertThat(docs()).extracting(p -> REPO.relativize(p).toString())
                .contains("README.md", "docs/envelope.md");
    }

    private static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(REPO.resolve("README.md"));
        try (Stream<Path> files = Files.list(REPO.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    private static String allTestSources() throws IOException {
        try (Stream<Path> files = Files.walk(REPO)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/test/java/"))
                    .map(DocumentationSnippetsTest::read)
                    .collect(Collectors.joining("\n"));
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line per statement; indentation, blank lines, imports and end-of-line comments ignored. */
    private static String normalize(String code) {
        return code.lines()
                .map(l -> TRAILING_COMMENT.matcher(l).replaceFirst(""))
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("//") && !l.startsWith("import "))
                .collect(Collectors.joining("\n"));
    }
}
