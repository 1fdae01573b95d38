package io.sluice.jdbc.dialect;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A text value still in the UTF-8 bytes it arrived in, known to hold no backslash and no control character (a JSON
 * string without escapes): COPY's text format takes those bytes as they are, so a row read from JSON reaches the COPY
 * stream without a String decoded and encoded again. Everything else (statements, checks, messages) takes
 * {@link #toString()}, decoded once. Equal to another by content; never equal to a String.
 */
public final class Utf8Text {
    private final byte[] in;
    private final int start;
    private final int length;
    private String decoded;

    /**
     * The text at in[start, start + length), which the caller checked is valid UTF-8 (bytes that are not would
     * reach the database as they are, where a String would have replaced them) with no byte below 0x20 and no
     * backslash.
     */
    public Utf8Text(byte[] in, int start, int length) {
        this.in = in;
        this.start = start;
        this.length = length;
    }

    /** Copies the bytes into {@code out} at {@code at}; the caller made room for {@link #length()} bytes. */
    void copyTo(byte[] out, int at) {
        System.arraycopy(in, start, out, at, length);
    }

    /** The number of UTF-8 bytes. */
    int length() {
        return length;
    }

    @Override
    public String toString() {
        String s = decoded;
        if (s == null) {
            s = new String(in, start, length, StandardCharsets.UTF_8);
            decoded = s;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Utf8Text other
                && Arrays.equals(in, start, start + length, other.in, other.start, other.start + other.length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = start; i < start + length; i++) {
            h = 31 * h + in[i];
        }
        return h;
    }
}
