package dev.chassis.testkit.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes V4 pact files deterministically and merges interactions from several test classes into one
 * file per consumer/provider pair: keys sorted, interactions ordered by description then provider
 * states, two-space indentation, {@code \n} line ends and a trailing newline, no timestamps. Test
 * classes running in parallel in one JVM take a lock per file; several JVMs (forked test runs) take a
 * file lock on a sibling {@code .lock} file. The same interaction declared twice differently in one
 * JVM is an error; an interaction from an earlier run is replaced by the new one.
 *
 * <p>Thread-safe. The lock map and the record of what this JVM wrote are static on purpose: they
 * must be shared by every contract of the JVM writing to the same file.
 */
final class PactWriter {
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();
    private static final Map<Path, Map<String, String>> WRITTEN = new ConcurrentHashMap<>();

    private PactWriter() {
    }

    static Path file(Path directory, String consumer, String provider) {
        return directory.resolve(consumer + "-" + provider + ".json").toAbsolutePath().normalize();
    }

    /** Merges the interactions into the pact file of the pair, creating it if needed. */
    static void merge(Path file, String consumer, String provider, List<ObjectNode> interactions) {
        Object lock = LOCKS.computeIfAbsent(file, f -> new Object());
        synchronized (lock) {
            Map<String, String> written = WRITTEN.computeIfAbsent(file, f -> new ConcurrentHashMap<>());
            for (ObjectNode interaction : interactions) {
                String key = Interactions.key(interaction);
                String content = PactJson.compact(interaction);
                String before = written.putIfAbsent(key, content);
                if (before != null && !before.equals(content)) {
                    throw new IllegalStateException("two tests declare the interaction " + Interactions.label(interaction)
                            + " of " + consumer + " -> " + provider + " differently; give them different descriptions"
                            + " or provider states");
                }
            }
            try {
                Files.createDirectories(file.getParent());
                Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = channel.lock()) {
                    write(file, consumer, provider, interactions);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the pact file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static void write(Path file, String consumer, String provider, List<ObjectNode> interactions)
            throws IOException {
        TreeMap<String, JsonNode> byKey = new TreeMap<>();
        if (Files.exists(file)) {
            JsonNode existing = PactJson.read(Files.readAllBytes(file));
            for (JsonNode interaction : existing.path("interactions")) {
                byKey.put(Interactions.key(interaction), interaction);
            }
        }
        for (ObjectNode interaction : interactions) {
            byKey.put(Interactions.key(interaction), interaction);
        }
        byte[] bytes = PactJson.write(document(consumer, provider, List.copyOf(byKey.values())));
        Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        Files.write(temp, bytes);
        try {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A whole V4 pact document; the interactions are expected in their final order. */
    static ObjectNode document(String consumer, String provider, List<JsonNode> interactions) {
        ObjectNode doc = PactJson.object();
        doc.putObject("consumer").put("name", consumer);
        doc.putObject("provider").put("name", provider);
        ArrayNode array = doc.putArray("interactions");
        interactions.forEach(array::add);
        doc.putObject("metadata").putObject("pactSpecification").put("version", "4.0");
        return doc;
    }
}
