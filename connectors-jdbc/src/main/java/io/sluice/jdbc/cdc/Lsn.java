package io.sluice.jdbc.cdc;

/** PostgreSQL log sequence numbers: 64-bit WAL positions, written {@code 16/B374D848} by the server. */
final class Lsn {
    /** "No position": what {@code START_REPLICATION ... 0/0} means (the slot's own confirmed position). */
    static final long NONE = 0L;

    private Lsn() {
    }

    /** Reads the server's text form ({@code X/Y}, two hexadecimal halves). */
    static long parse(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("Not an LSN (expected hex/hex, e.g. 16/B374D848): " + text);
        }
        long high = Long.parseLong(text.substring(0, slash), 16);
        long low = Long.parseLong(text.substring(slash + 1), 16);
        if (high > 0xFFFFFFFFL || low > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("Not an LSN (each half has at most 8 hex digits): " + text);
        }
        return (high << 32) | low;
    }

    static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
