package io.sluice.jdbc.sink;

import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * A JSON object's members as read, in document order (a repeated name appears twice: the last value wins when
 * the row is typed), in two arrays rather than a map: a row's members are read once and looked up by the position
 * a cached {@link SchemalessPlan} gives them, never by name. {@code envelope}: they are the payload of a
 * JsonConverter envelope (schemas.enable=true JSON read raw).
 */
final class JsonMembers {
    private static final String[] NO_NAMES = new String[0];

    private String[] names;
    private Object[] values;
    private int size;
    private boolean envelope;

    JsonMembers(int capacity) {
        names = capacity == 0 ? NO_NAMES : new String[capacity];
        values = new Object[capacity];
    }

    static final JsonMembers EMPTY = new JsonMembers(0);

    /** The members of a JsonConverter map (its keys checked to be strings by the caller) or a struct. */
    static JsonMembers of(Map<?, ?> map) {
        JsonMembers members = new JsonMembers(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            members.add((String) e.getKey(), e.getValue());
        }
        return members;
    }

    static JsonMembers of(Struct struct) {
        JsonMembers members = new JsonMembers(struct.schema().fields().size());
        for (Field f : struct.schema().fields()) {
            members.add(f.name(), struct.get(f));
        }
        return members;
    }

    void add(String name, Object value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, Math.max(8, size * 2));
            values = Arrays.copyOf(values, names.length);
        }
        names[size] = name;
        values[size++] = value;
    }

    int size() {
        return size;
    }

    String name(int i) {
        return names[i];
    }

    Object value(int i) {
        return values[i];
    }

    /** The position of the last member of this name (the value JSON parsers keep), or -1. */
    int lastIndexOf(String name) {
        for (int i = size - 1; i >= 0; i--) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the members have exactly these names in this order (names read by one reader are mostly the same objects). */
    boolean hasNames(String[] expected) {
        if (expected.length != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            String a = names[i];
            if (a != expected[i] && !a.equals(expected[i])) {
                return false;
            }
        }
        return true;
    }

    String[] names() {
        return Arrays.copyOf(names, size);
    }

    boolean envelope() {
        return envelope;
    }

    JsonMembers asEnvelopePayload() {
        envelope = true;
        return this;
    }
}
