package io.sluice.file.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailedFileTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aFileReadToItsEndHoldsOnlyASmallBufferWhateverItsSizeAndReadsWhatIsAppendedLater() throws IOException {
        Path file = dir.resolve("big.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            lines.add("line " + i + " " + "x".repeat(i % 150)); // about 3 MiB
        }
        Files.write(file, lines);
        try (TailedFile tailed = new TailedFile(file, "key", Map.of(), 0, 0, MIB)) {
            assertEquals(TailedFile.INITIAL_BUFFER, tailed.bufferSize(), "a file starts with a small buffer");
            List<String> read = readAll(tailed);
            assertEquals(lines, read);
            assertEquals(Files.size(file), tailed.position());
            assertTrue(tailed.bufferSize() <= TailedFile.INITIAL_BUFFER,
                    "read to its end, it gave its large buffer back: " + tailed.bufferSize());

            Files.write(file, List.of("appended 1", "appended 2"), StandardOpenOption.APPEND);
            assertEquals(List.of("appended 1", "appended 2"), readAll(tailed));
        }
    }

    @Test
    void aLineLongerThanReadBufferBytesIsReadWholeBetweenShortOnes() throws IOException {
        Path file = dir.resolve("long.txt");
        String longLine = "y".repeat(3 * MIB + 17);
        List<String> lines = List.of("first", longLine, "last");
        Files.write(file, lines);
        try (TailedFile tailed = new TailedFile(file, "key", Map.of(), 0, 0, 64 * 1024)) {
            assertEquals(lines, readAll(tailed));
            assertEquals(Files.size(file), tailed.position());
            assertTrue(tailed.bufferSize() <= TailedFile.INITIAL_BUFFER, "shrunk back: " + tailed.bufferSize());
        }
    }

    @Test
    void aFileTruncatedAndWrittenAgainPastTheReadPositionIsReadFromItsStartNotOnAtTheOldPosition() throws IOException {
        Path file = dir.resolve("in7.txt");
        Files.write(file, numbered("a7-", 1, 1000)); // 11-byte lines, as logrotate's copytruncate test had them
        try (TailedFile tailed = new TailedFile(file, "key", Map.of(), 0, 0, MIB)) {
            assertEquals(1000, readAll(tailed).size());
            // copytruncate: emptied, then more written than was read, all before the next read
            Files.write(file, numbered("b7-", 1, 3000), StandardOpenOption.TRUNCATE_EXISTING);
            assertEquals(numbered("b7-", 1, 3000), readAll(tailed));
            assertEquals(Files.size(file), tailed.position());
        }
    }

    @Test
    void aScanTellsAFileRewrittenInPlaceWhileItsBacklogIsReadFromOneThatWasAppendedTo() throws IOException {
        Path file = dir.resolve("backlog.txt");
        Files.write(file, numbered("a7-", 1, 3000));
        try (TailedFile tailed = new TailedFile(file, FileIdentity.keyOf(file), Map.of(), 0, 0, MIB)) {
            assertEquals(200, tailed.read(200, (f, buf, off, len, next, number) -> { }));
            assertEquals(TailedFile.Change.NONE, tailed.check());
            Files.write(file, numbered("a7-", 3001, 3100), StandardOpenOption.APPEND);
            assertEquals(TailedFile.Change.NONE, tailed.check(), "appended to");
            Files.write(file, numbered("b7-", 1, 4000), StandardOpenOption.TRUNCATE_EXISTING);
            assertEquals(TailedFile.Change.OVERWRITTEN, tailed.check(), "rewritten in place, larger than before");
            Files.write(file, numbered("b7-", 1, 10), StandardOpenOption.TRUNCATE_EXISTING);
            assertEquals(TailedFile.Change.TRUNCATED, tailed.check());
        }
    }

    @Test
    void theFingerprintCoversTheFirstKibibyteReadAndAFileReopenedThereMatchesItUnlessItsStartChanged()
            throws IOException {
        Path file = dir.resolve("app.log");
        Files.write(file, numbered("line-", 1, 500));
        String atTen;
        String atEnd;
        try (TailedFile tailed = new TailedFile(file, "key", Map.of(), 0, 0, MIB)) {
            List<String> fingerprints = new ArrayList<>();
            while (tailed.read(1, (f, buf, off, len, next, number) -> fingerprints.add(f.fingerprint())) > 0) {
                // one line at a time, each with the fingerprint its offset carries
            }
            atTen = fingerprints.get(9);
            atEnd = fingerprints.get(499);
            assertTrue(atTen.startsWith("110:"), atTen); // ten 11-byte lines
            assertTrue(atEnd.startsWith("1024:"), atEnd);
        }
        try (TailedFile reopened = new TailedFile(file, "key", Map.of(), 110, 10, MIB)) {
            assertTrue(reopened.resumeHead(atTen));
            assertEquals(numbered("line-", 11, 500), readAll(reopened));
            assertEquals(atEnd, reopened.fingerprint(), "the fingerprint grows on from the file's own bytes");
        }
        try (TailedFile oldOffset = new TailedFile(file, "key", Map.of(), 5500, 500, MIB)) {
            assertTrue(oldOffset.resumeHead(null), "an offset without a fingerprint resumes as before");
            assertEquals(atEnd, oldOffset.fingerprint());
        }
        Files.write(file, numbered("LINE-", 1, 600), StandardOpenOption.TRUNCATE_EXISTING);
        try (TailedFile rewritten = new TailedFile(file, "key", Map.of(), 5500, 500, MIB)) {
            assertFalse(rewritten.resumeHead(atEnd));
        }
    }

    /** Lines of prefix and a zero-padded number, first to last, 11 bytes each with their newline. */
    private static List<String> numbered(String prefix, int first, int last) {
        List<String> lines = new ArrayList<>();
        for (int i = first; i <= last; i++) {
            lines.add(String.format("%s%0" + (10 - prefix.length()) + "d", prefix, i));
        }
        return lines;
    }

    private static List<String> readAll(TailedFile tailed) throws IOException {
        List<String> read = new ArrayList<>();
        while (tailed.read(1_000, (f, buf, off, len, next, number) ->
                read.add(new String(buf, off, len, StandardCharsets.UTF_8))) > 0) {
            // until a read finds no complete line
        }
        return read;
    }

    @Test
    void newlineSearchFindsTheFirstNewlineAtEveryPositionAndAroundLookalikeBytes() {
        Random random = new Random(42);
        // bytes next to '\n' (0x0A) in value, and 0x8A, are where a word-at-a-time test could go wrong
        byte[] alphabet = {'a', 0x09, 0x0B, (byte) 0x8A, 0x00, (byte) 0xFF, 0x0A};
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = alphabet[random.nextInt(random.nextInt(10) == 0 ? alphabet.length : alphabet.length - 1)];
            }
            int from = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            int to = from + random.nextInt(b.length - from + 1);
            int expected = -1;
            for (int i = from; i < to; i++) {
                if (b[i] == '\n') {
                    expected = i;
                    break;
                }
            }
            assertEquals(expected, TailedFile.indexOfNewline(b, from, to), () -> "in " + java.util.Arrays.toString(b));
        }
        assertEquals(11, TailedFile.indexOfNewline("hello world\nx".getBytes(StandardCharsets.US_ASCII), 0, 13));
    }
}
