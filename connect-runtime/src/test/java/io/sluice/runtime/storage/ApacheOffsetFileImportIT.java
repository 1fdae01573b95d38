package io.sluice.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.runtime.testing.KafkaTestBroker;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApacheOffsetFileImportIT {

    @TempDir
    Path dir;
    private final String topic = KafkaTestBroker.uniqueTopic("imported-offsets");

    private KafkaOffsetStore newStore() {
        KafkaOffsetStore store = new KafkaOffsetStore(KafkaTestBroker.clientConfig(), topic, 5, (short) 1);
        store.start();
        return store;
    }

    /** Writes the file exactly as Apache's FileOffsetBackingStore saves it. */
    private static Path apacheOffsetFile(Path file, Map<String, String> jsonKeyToValue) throws IOException {
        HashMap<byte[], byte[]> raw = new HashMap<>();
        jsonKeyToValue.forEach((k, v) -> raw.put(k.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8)));
        try (OutputStream out = Files.newOutputStream(file); ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeObject(raw);
        }
        return file;
    }

    @Test
    void importsEveryOffsetOfTheFileOnce() throws Exception {
        Path file = apacheOffsetFile(dir.resolve("connect.offsets"), Map.of(
                "[\"file-source\",{\"filename\":\"/data/a.txt\"}]", "{\"position\":120}",
                "[\"jdbc-source\",{\"table\":\"orders\"}]", "{\"incrementing\":7}"));
        try (KafkaOffsetStore store = newStore()) {
            assertEquals(2, ApacheOffsetFileImport.importOnce(file, store));

            assertEquals(Map.of(Map.of("filename", "/data/a.txt"), Map.of("position", 120L)), store.offsets("file-source"));
            assertEquals(Map.of(Map.of("table", "orders"), Map.of("incrementing", 7L)), store.offsets("jdbc-source"));
        }
        apacheOffsetFile(file, Map.of("[\"file-source\",{\"filename\":\"/data/b.txt\"}]", "{\"position\":1}"));
        try (KafkaOffsetStore reopened = newStore()) {
            assertEquals(0, ApacheOffsetFileImport.importOnce(file, reopened));
            assertEquals(1, reopened.offsets("file-source").size());
        }
    }

    @Test
    void offsetsAlreadyInTheTopicWin() throws Exception {
        Path file = apacheOffsetFile(dir.resolve("connect.offsets"), Map.of(
                "[\"file-source\",{\"filename\":\"/data/a.txt\"}]", "{\"position\":120}",
                "[\"file-source\",{\"filename\":\"/data/b.txt\"}]", "{\"position\":5}"));
        try (KafkaOffsetStore store = newStore()) {
            store.write("file-source", Map.of(Map.of("filename", "/data/a.txt"), Map.of("position", 500L)))
                    .get(30, TimeUnit.SECONDS);

            assertEquals(1, ApacheOffsetFileImport.importOnce(file, store));

            assertEquals(Map.of(Map.of("filename", "/data/a.txt"), Map.of("position", 500L),
                    Map.of("filename", "/data/b.txt"), Map.of("position", 5L)), store.offsets("file-source"));
        }
    }

    @Test
    void aMissingFileImportsNothing() {
        try (KafkaOffsetStore store = newStore()) {
            assertEquals(0, ApacheOffsetFileImport.importOnce(dir.resolve("absent.offsets"), store));
        }
    }

    @Test
    void aFileHoldingOtherObjectsIsRefusedWithoutDeserializingThem() throws Exception {
        Path file = dir.resolve("evil.offsets");
        try (ObjectOutputStream objects = new ObjectOutputStream(Files.newOutputStream(file))) {
            objects.writeObject(new ArrayList<>(java.util.List.of("not", "offsets")));
        }
        try (KafkaOffsetStore store = newStore()) {
            StoreException error = assertThrows(StoreException.class, () -> ApacheOffsetFileImport.importOnce(file, store));
            assertEquals(true, error.getMessage().contains("offset.storage.file.filename"), error.getMessage());
        }
    }
}
