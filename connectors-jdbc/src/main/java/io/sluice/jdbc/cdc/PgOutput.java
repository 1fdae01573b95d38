package io.sluice.jdbc.cdc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the messages of PostgreSQL's built-in {@code pgoutput} logical decoding plugin, protocol version 1 (Begin,
 * Commit, Relation, Type, Origin, Insert, Update, Delete, Truncate), and hands each to a {@link Handler}. Tuple
 * columns are not copied: a {@link RowText} points into the message's bytes and is valid during the callback only.
 */
final class PgOutput {
    /** Microseconds between the Unix epoch and PostgreSQL's (2000-01-01). */
    static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    /** A relation's description: sent before its first change in a session, and again after every change of it. */
    record Relation(int oid, String schema, String table, char replicaIdentity, List<RelationColumn> columns) {
    }

    /** One column of a {@link Relation}: its name, type and type modifier, and whether it is in the replica identity. */
    record RelationColumn(String name, int typeOid, int typeModifier, boolean identity) {
    }

    /** Receives decoded messages in the order the server sent them. */
    interface Handler {
        void begin(long finalLsn, long commitMicros, long xid);

        void commit(long commitLsn, long endLsn, long commitMicros);

        void relation(Relation relation);

        void insert(int relationOid, RowText after);

        /** old is null unless the key changed ('K') or the table has REPLICA IDENTITY FULL ('O'). */
        void update(int relationOid, RowText old, RowText after);

        void delete(int relationOid, RowText old);

        void truncate(int[] relationOids, boolean cascade, boolean restartIdentity);
    }

    private final RowText first = new RowText();
    private final RowText second = new RowText();

    /** Decodes one message (the payload of one XLogData). */
    void decode(ByteBuffer message, Handler handler) {
        byte type = message.get();
        switch (type) {
            case 'B' -> handler.begin(message.getLong(), message.getLong(), Integer.toUnsignedLong(message.getInt()));
            case 'C' -> {
                message.get(); // flags, unused
                handler.commit(message.getLong(), message.getLong(), message.getLong());
            }
            case 'R' -> handler.relation(relation(message));
            case 'I' -> {
                int oid = message.getInt();
                expect(message, 'N');
                handler.insert(oid, tuple(message, first));
            }
            case 'U' -> {
                int oid = message.getInt();
                byte next = message.get();
                RowText old = null;
                if (next == 'K' || next == 'O') {
                    old = tuple(message, second);
                    next = message.get();
                }
                if (next != 'N') {
                    throw new IllegalStateException("pgoutput update without a new tuple (got '" + (char) next + "')");
                }
                handler.update(oid, old, tuple(message, first));
            }
            case 'D' -> {
                int oid = message.getInt();
                byte kind = message.get();
                if (kind != 'K' && kind != 'O') {
                    throw new IllegalStateException("pgoutput delete without an old tuple (got '" + (char) kind + "')");
                }
                handler.delete(oid, tuple(message, second));
            }
            case 'T' -> {
                int n = message.getInt();
                byte options = message.get();
                int[] oids = new int[n];
                for (int i = 0; i < n; i++) {
                    oids[i] = message.getInt();
                }
                handler.truncate(oids, (options & 1) != 0, (options & 2) != 0);
            }
            // Type messages name custom types, which the type registry reads from the catalog anyway; origins and
            // logical decoding messages carry nothing this connector emits
            case 'Y', 'O', 'M' -> {
            }
            default -> throw new IllegalStateException("Unknown pgoutput message type '" + (char) type + "'");
        }
    }

    private static void expect(ByteBuffer message, char expected) {
        byte b = message.get();
        if (b != expected) {
            throw new IllegalStateException("pgoutput: expected '" + expected + "', got '" + (char) b + "'");
        }
    }

    private static Relation relation(ByteBuffer message) {
        int oid = message.getInt();
        String schema = string(message);
        String table = string(message);
        char identity = (char) message.get();
        int n = Short.toUnsignedInt(message.getShort());
        List<RelationColumn> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean key = (message.get() & 1) != 0;
            String name = string(message);
            columns.add(new RelationColumn(name, message.getInt(), message.getInt(), key));
        }
        return new Relation(oid, schema, table, identity, List.copyOf(columns));
    }

    private static RowText tuple(ByteBuffer message, RowText tuple) {
        int n = Short.toUnsignedInt(message.getShort());
        tuple.reset(message.array(), n);
        int base = message.arrayOffset();
        for (int i = 0; i < n; i++) {
            byte kind = message.get();
            if (kind == RowText.TEXT) {
                int length = message.getInt();
                tuple.set(i, kind, base + message.position(), length);
                message.position(message.position() + length);
            } else if (kind == RowText.NULL || kind == RowText.UNCHANGED_TOAST) {
                tuple.set(i, kind, 0, 0);
            } else {
                // 'b' (binary) only comes when asked for with the binary option, which this connector never sets
                throw new IllegalStateException("pgoutput: unexpected tuple column kind '" + (char) kind + "'");
            }
        }
        return tuple;
    }

    private static String string(ByteBuffer message) {
        int start = message.position();
        int end = start;
        while (message.get(end) != 0) {
            end++;
        }
        String s = new String(message.array(), message.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
        message.position(end + 1);
        return s;
    }
}
