package io.sluice.file.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LineOffsetTest {

    @Test
    void isTheSameMapAsTheOffsetItReplacesWithHistoryOnlyWhenThereIsOne() {
        LineOffset plain = new LineOffset(4096L, "(dev=803,ino=12)", 41L, "");
        assertEquals(Map.of("position", 4096L, "file.key", "(dev=803,ino=12)", "line", 41L), plain);
        assertEquals(Map.of("position", 4096L, "file.key", "(dev=803,ino=12)", "line", 41L).hashCode(), plain.hashCode());
        assertFalse(plain.containsKey("history"));
        assertEquals(Map.of("position", 4096L, "file.key", "(dev=803,ino=12)", "line", 41L, "history", "(dev=803,ino=9) 10 2"),
                new HashMap<>(new LineOffset(4096L, "(dev=803,ino=12)", 41L, "(dev=803,ino=9) 10 2")));
    }
}
