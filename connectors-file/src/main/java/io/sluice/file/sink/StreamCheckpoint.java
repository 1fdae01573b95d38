package io.sluice.file.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What a connector-mode file stream durably holds: the sequence number and durable length of its open file,
 * its record count, whether a rotation was under way, and for every partition it ever wrote the offset after
 * its last durable record. Stored as text lines: {@code seq N}, {@code length N}, {@code records N},
 * {@code rotating true|false}, then one {@code <topic> <partition> <next offset>} line per partition
 * (topic names hold no spaces).
 */
record StreamCheckpoint(long seq, long length, long records, boolean rotating, Map<TopicPartition, Long> next) {

    static final StreamCheckpoint EMPTY = new StreamCheckpoint(0, 0, 0, false, Map.of());

    String format() {
        StringBuilder sb = new StringBuilder(64 + next.size() * 32);
        sb.append("seq ").append(seq).append('\n');
        sb.append("length ").append(length).append('\n');
        sb.append("records ").append(records).append('\n');
        sb.append("rotating ").append(rotating).append('\n');
        next.forEach((tp, offset) -> sb.append(tp.topic()).append(' ').append(tp.partition()).append(' ')
                .append(offset).append('\n'));
        return sb.toString();
    }

    /** Reads a checkpoint; null when there is none. */
    static StreamCheckpoint read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        long seq = 0;
        long length = 0;
        long records = 0;
        boolean rotating = false;
        Map<TopicPartition, Long> next = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            String[] parts = line.trim().split(" ");
            try {
                switch (parts[0]) {
                    case "" -> { }
                    case "seq" -> seq = Long.parseLong(parts[1]);
                    case "length" -> length = Long.parseLong(parts[1]);
                    case "records" -> records = Long.parseLong(parts[1]);
                    case "rotating" -> rotating = Boolean.parseBoolean(parts[1]);
                    default -> next.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
                }
            } catch (RuntimeException e) {
                throw new IOException("Unreadable line '" + line + "' in checkpoint " + file, e);
            }
        }
        return new StreamCheckpoint(seq, length, records, rotating, next);
    }
}
