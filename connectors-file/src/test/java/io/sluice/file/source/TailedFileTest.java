package io.sluice.file.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TailedFileTest {

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
