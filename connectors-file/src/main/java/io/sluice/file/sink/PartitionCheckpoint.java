package io.sluice.file.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What one partition's files durably hold: the offset after the last durable record and, when an open file holds
 * records, that file's first offset, record count and durable length, and whether it is being renamed to its
 * finished name. Stored as one line {@code <state> <start> <next> <records> <length>} with state {@code open},
 * {@code rotating} or {@code none} (no open file: start -1). A line of four numbers is the format of earlier
 * versions, written only at commits, so it may describe a file that was finished since.
 */
record PartitionCheckpoint(State state, long start, long next, long records, long length) {

    /** Where the open file stands. */
    enum State {
        /** No open file holds a durable record: an {@code .inprogress} file is uncommitted. */
        NONE,
        /** The open file holds {@code length} durable bytes. */
        OPEN,
        /** The open file is complete and fsynced; it is renamed to its finished name (maybe already done). */
        ROTATING,
        /** Written by an earlier version: valid only if no finished file covers {@code start}. */
        LEGACY
    }

    static PartitionCheckpoint none(long next) {
        return new PartitionCheckpoint(State.NONE, -1, next, 0, 0);
    }

    String format() {
        return state.name().toLowerCase(Locale.ROOT) + " " + start + " " + next + " " + records + " "
                + length + "\n";
    }

    /** Reads a checkpoint; null when there is none. */
    static PartitionCheckpoint read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        String[] parts = text.split(" ");
        try {
            if (parts.length == 4) {
                return new PartitionCheckpoint(State.LEGACY, Long.parseLong(parts[0]), Long.parseLong(parts[1]),
                        Long.parseLong(parts[2]), Long.parseLong(parts[3]));
            }
            if (parts.length == 5) {
                State state = State.valueOf(parts[0].toUpperCase(Locale.ROOT));
                if (state != State.LEGACY) {
                    return new PartitionCheckpoint(state, Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                            Long.parseLong(parts[3]), Long.parseLong(parts[4]));
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below, which names the file and its content
        }
        throw new IOException("Unreadable checkpoint " + file + " ('" + text + "'); it is written by the sink only: "
                + "restore it, or remove it to resume from the finished files and the committed consumer offsets");
    }
}
