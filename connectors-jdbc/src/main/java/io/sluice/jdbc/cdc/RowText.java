package io.sluice.jdbc.cdc;

import java.nio.charset.StandardCharsets;

/**
 * One row as PostgreSQL wrote it out: per column its kind (text, null, or an unchanged TOASTed value PostgreSQL did
 * not send) and where its text is in a byte array. Filled in place from a pgoutput tuple or a COPY line, without
 * copying the bytes; valid until the next row is read into it.
 */
final class RowText {
    static final byte NULL = 'n';
    static final byte UNCHANGED_TOAST = 'u';
    static final byte TEXT = 't';

    byte[] bytes;
    int count;
    byte[] kinds = new byte[16];
    int[] offsets = new int[16];
    int[] lengths = new int[16];

    int count() {
        return count;
    }

    byte kind(int column) {
        return kinds[column];
    }

    /** The column's text as a string (for keys and logs; values go through their readers). */
    String text(int column) {
        return kinds[column] == TEXT ? new String(bytes, offsets[column], lengths[column], StandardCharsets.UTF_8)
                : null;
    }

    void reset(byte[] source, int columns) {
        bytes = source;
        count = columns;
        if (kinds.length < columns) {
            kinds = new byte[columns];
            offsets = new int[columns];
            lengths = new int[columns];
        }
    }

    void set(int column, byte kind, int offset, int length) {
        kinds[column] = kind;
        offsets[column] = offset;
        lengths[column] = length;
    }
}
