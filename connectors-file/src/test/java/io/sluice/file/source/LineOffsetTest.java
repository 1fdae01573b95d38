package io.sluice.file.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LineOffsetTest {

    @Test
    void isTheSameMapAsTheOffsetItReplacesWithFingerprintAndHistoryOnlyWhenThereAreSome() {
        LineOffset plain = new LineOffset(4096L, "(dev=803,ino=12)", 41L, "", "");
        assertEquals(Map.of("position", 4096L, "file.key", "(dev=803,ino=12)", "line", 41L), plain);
        assertEquals(Map.of("position", 4096L, "file.key", "(dev=803,ino=12)", "line", 41L).hashCode(), plain.hashCode());
        assertFalse(plain.containsKey("history"));
        assertFalse(plain.containsKey("fingerprint"));
        LineOffset full = new LineOffset(4096L, "(dev=803,ino=12)", 41L, "1024:9a3f01", "(dev=803,ino=9) 10 2");
        Map<String, Object> expected = Map.of("position", 4096L, "file.key", "(dev=803,ino=12)", "line", 41L,
                "fingerprint", "1024:9a3f01", "history", "(dev=803,ino=9) 10 2");
        assertEquals(expected, new HashMap<>(full));
        assertEquals(expected, full);
        assertEquals(5, full.size());
    }
}
