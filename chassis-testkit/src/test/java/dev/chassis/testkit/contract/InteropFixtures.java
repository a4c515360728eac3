package dev.chassis.testkit.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folders and provider answers shared by the Pact JVM interoperability tests and their JUnit classes. */
final class InteropFixtures {
    static final Path ROOT = Path.of("target", "contract-interop");
    static final Path OURS_HTTP = ROOT.resolve("ours-http");
    static final Path OURS_MESSAGES = ROOT.resolve("ours-messages");
    static final Path THEIRS_HTTP = ROOT.resolve("theirs-http");
    static final Path THEIRS_MESSAGES = ROOT.resolve("theirs-messages");

    static final String GOOD_USER = "{\"id\":7,\"name\":\"Grace\",\"email\":\"grace@example.com\",\"active\":true,"
            + "\"balance\":12.5,\"createdAt\":\"2025-01-02T03:04:05\",\"roles\":[{\"name\":\"admin\"},{\"name\":\"ops\"}]}";
    /** The same user with the id as a string: a type change that must break the contract. */
    static final String WRONG_TYPE_USER = GOOD_USER.replace("\"id\":7", "\"id\":\"7\"");

    static final String GOOD_PRODUCT = "{\"sku\":\"XYZ-9\",\"name\":\"Kettle\",\"stock\":3,\"price\":24.5,"
            + "\"available\":false,\"releasedOn\":\"2023-11-20\",\"tags\":[{\"label\":\"kitchen\"}]}";
    static final String WRONG_PRODUCT = GOOD_PRODUCT.replace("\"stock\":3", "\"stock\":\"3\"")
            .replace("XYZ-9", "xyz");

    private InteropFixtures() {
    }

    static void clean(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
