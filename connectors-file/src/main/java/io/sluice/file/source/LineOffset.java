package io.sluice.file.source;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The source offset of one line ({@code position}, {@code file.key}, {@code line}, and {@code history} when the
 * path named other files) as a read-only map backed by fields: one small object per record instead of a map,
 * its entry array and two boxed longs. The runtime reads an offset only when it commits it, so the entries are
 * built only then.
 */
final class LineOffset extends AbstractMap<String, Object> {

    private final long position;
    private final String fileKey;
    private final long line;
    private final String history;

    LineOffset(long position, String fileKey, long line, String history) {
        this.position = position;
        this.fileKey = fileKey;
        this.line = line;
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
        return history.isEmpty() ? 3 : 4;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        List<Entry<String, Object>> entries = new ArrayList<>(4);
        entries.add(new SimpleImmutableEntry<>(FileSourceTask.POSITION, position));
        entries.add(new SimpleImmutableEntry<>(FileSourceTask.FILE_KEY, fileKey));
        entries.add(new SimpleImmutableEntry<>(FileSourceTask.LINE, line));
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
