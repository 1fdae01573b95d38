package io.sluice.file.source;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The source offset of one line ({@code position}, {@code file.key}, {@code line}, {@code fingerprint} once a
 * byte is read, and {@code history} when the path named other files) as a read-only map backed by fields: one small object per record instead of a map,
 * its entry array and two boxed longs. The runtime reads an offset only when it commits it, so the entries are
 * built only then.
 */
final class LineOffset extends AbstractMap<String, Object> {

    private final long position;
    private final String fileKey;
    private final long line;
    private final String fingerprint;
    private final String history;

    LineOffset(long position, String fileKey, long line, String fingerprint, String history) {
        this.position = position;
        this.fileKey = fileKey;
        this.line = line;
        this.fingerprint = fingerprint;
        this.history = history;
    }

    @Override
    public Object get(Object key) {
        if (FileSourceTask.POSITION.equals(key)) {
            return position;
        } else if (FileSourceTask.FILE_KEY.equals(key)) {
            return fileKey;
        } else if (FileSourceTask.LINE.equals(key)) {
            return line;
        } else if (FileSourceTask.FINGERPRINT.equals(key)) {
            return fingerprint.isEmpty() ? null : fingerprint;
        } else if (FileSourceTask.HISTORY.equals(key)) {
            return history.isEmpty() ? null : history;
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return 3 + (fingerprint.isEmpty() ? 0 : 1) + (history.isEmpty() ? 0 : 1);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        List<Entry<String, Object>> entries = new ArrayList<>(5);
        entries.add(new SimpleImmutableEntry<>(FileSourceTask.POSITION, position));
        entries.add(new SimpleImmutableEntry<>(FileSourceTask.FILE_KEY, fileKey));
        entries.add(new SimpleImmutableEntry<>(FileSourceTask.LINE, line));
        if (!fingerprint.isEmpty()) {
            entries.add(new SimpleImmutableEntry<>(FileSourceTask.FINGERPRINT, fingerprint));
        }
        if (!history.isEmpty()) {
            entries.add(new SimpleImmutableEntry<>(FileSourceTask.HISTORY, history));
        }
        return new java.util.AbstractSet<>() {
            @Override
            public java.util.Iterator<Entry<String, Object>> iterator() {
                return entries.iterator();
            }

            @Override
            public int size() {
                return entries.size();
            }
        };
    }
}
