package io.sluice.runtime.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports, once, the offsets of an Apache Kafka Connect standalone worker's offset file
 * (offset.storage.file.filename) into the offset topic, so connectors moved to Sluice resume.
 */
public final class ApacheOffsetFileImport {

    private static final Logger log = LoggerFactory.getLogger(ApacheOffsetFileImport.class);
    /**
     * Apache writes a java.util.HashMap of byte[] keys to byte[] values (every version: ByteBuffer
     * is not serializable); nothing else may be deserialized from a file we did not write.
     * HashMap checks its table as a Map.Entry array, hence that entry.
     */
    private static final ObjectInputFilter FILE_FORMAT = ObjectInputFilter.Config.createFilter(
            "maxdepth=4;java.util.HashMap;java.util.Map$Entry;[B;!*");

    private ApacheOffsetFileImport() {
    }

    /**
     * Imports every entry of file whose partition has no offset in the store yet, unless this file
     * was imported before. A missing file imports nothing. Returns the number of offsets imported.
     */
    public static int importOnce(Path file, KafkaOffsetStore store) {
        Path source = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(source)) {
            log.debug("No Apache offset file at {}; nothing to import", source);
            return 0;
        }
        if (store.imported(source.toString())) {
            log.debug("Apache offset file {} was imported before", source);
            return 0;
        }
        Map<?, ?> raw = read(source);
        OffsetRecordFormat format = new OffsetRecordFormat();
        List<Map.Entry<byte[], byte[]>> missing = new ArrayList<>();
        int skipped = 0;
        for (Map.Entry<?, ?> entry : raw.entrySet()) {
            byte[] key = bytes(entry.getKey());
            byte[] value = bytes(entry.getValue());
            if (key == null || value == null || format.parseKey(key) == null) {
                log.warn("Skipping an entry of {} that is not a Connect source offset", source);
                skipped++;
            } else if (store.containsKey(key)) {
                skipped++;
            } else {
                // the original bytes, not a re-serialization: Apache looks offsets up by these bytes
                missing.add(new AbstractMap.SimpleEntry<>(key, value));
            }
        }
        StoreWrites.await(store.writeRaw(missing), store.timeout(), "import offsets from " + source);
        store.recordImport(source.toString(), missing.size());
        log.info("Imported {} source offsets from Apache offset file {} ({} already present or unreadable)",
                missing.size(), source, skipped);
        return missing.size();
    }

    private static Map<?, ?> read(Path file) {
        try (InputStream in = Files.newInputStream(file); ObjectInputStream objects = new ObjectInputStream(in)) {
            objects.setObjectInputFilter(FILE_FORMAT);
            Object content = objects.readObject();
            if (!(content instanceof Map<?, ?> map)) {
                throw new StoreException("Offset file " + file + " does not hold a map of offsets; is it an Apache Kafka "
                        + "Connect offset.storage.file.filename file?");
            }
            return map;
        } catch (IOException | ClassNotFoundException e) {
            throw new StoreException("Cannot read Apache offset file " + file + ": " + e.getMessage()
                    + ". Remove offset.storage.file.filename from the worker config to start without it.", e);
        }
    }

    private static byte[] bytes(Object keyOrValue) {
        if (keyOrValue instanceof byte[] array) {
            return array;
        }
        return null;
    }
}
