package io.sluice.jdbc.cdc;

/**
 * Splits one line of {@code COPY ... TO STDOUT} text format into its columns: tab-separated, {@code \N} for NULL,
 * backslash escapes undone in place (an unescaped value is never longer than its escaped form), so the values are
 * exactly the text pgoutput sends for the same row.
 */
final class CopyLine {
    private CopyLine() {
    }

    /** Fills row with the line's columns; fails when the line does not have the expected number. */
    static void split(byte[] line, int length, RowText row, int columns) {
        row.reset(line, columns);
        int end = length > 0 && line[length - 1] == '\n' ? length - 1 : length;
        int column = 0;
        int start = 0;
        while (true) {
            if (column >= columns) {
                throw new IllegalStateException("COPY line has more than the " + columns + " expected columns");
            }
            int i = start;
            boolean escaped = false;
            while (i < end && line[i] != '\t') {
                if (line[i] == '\\') {
                    escaped = true;
                    i++; // an escaped character is never a separator
                }
                i++;
            }
            int fieldEnd = Math.min(i, end);
            if (fieldEnd - start == 2 && line[start] == '\\' && line[start + 1] == 'N') {
                row.set(column, RowText.NULL, 0, 0);
            } else if (escaped) {
                row.set(column, RowText.TEXT, start, unescape(line, start, fieldEnd));
            } else {
                row.set(column, RowText.TEXT, start, fieldEnd - start);
            }
            column++;
            if (fieldEnd >= end) {
                break;
            }
            start = fieldEnd + 1;
        }
        if (column != columns) {
            throw new IllegalStateException("COPY line has " + column + " columns, " + columns + " expected");
        }
    }

    /** Undoes COPY's escapes of line[start, end) in place; returns the new length. */
    private static int unescape(byte[] line, int start, int end) {
        int out = start;
        int i = start;
        while (i < end) {
            byte c = line[i++];
            if (c != '\\' || i >= end) {
                line[out++] = c;
                continue;
            }
            byte e = line[i++];
            switch (e) {
                case 'b' -> line[out++] = '\b';
                case 'f' -> line[out++] = '\f';
                case 'n' -> line[out++] = '\n';
                case 'r' -> line[out++] = '\r';
                case 't' -> line[out++] = '\t';
                case 'v' -> line[out++] = 0x0B;
                case 'x' -> {
                    int value = 0;
                    int digits = 0;
                    while (digits < 2 && i < end && Character.digit(line[i], 16) >= 0) {
                        value = value * 16 + Character.digit(line[i++], 16);
                        digits++;
                    }
                    line[out++] = digits == 0 ? (byte) 'x' : (byte) value;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int value = e - '0';
                        int digits = 1;
                        while (digits < 3 && i < end && line[i] >= '0' && line[i] <= '7') {
                            value = value * 8 + (line[i++] - '0');
                            digits++;
                        }
                        line[out++] = (byte) value;
                    } else {
                        line[out++] = e;
                    }
                }
            }
        }
        return out - start;
    }
}
