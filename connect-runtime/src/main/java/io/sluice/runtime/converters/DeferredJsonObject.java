package io.sluice.runtime.converters;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A schemaless JsonConverter value that is a JSON object, checked to be well formed but not yet converted: the
 * map Apache's converter makes from the record's bytes is built on first use, so a sink that reads those bytes
 * itself (the JDBC sink, by this class's name and the record's original bytes) spares building it. Any other reader
 * sees an ordinary mutable map, the same one Apache's converter returns.
 */
final class DeferredJsonObject implements Map<Object, Object> {
    private final Supplier<Map<Object, Object>> conversion;
    private Map<Object, Object> map;

    DeferredJsonObject(Supplier<Map<Object, Object>> conversion) {
        this.conversion = conversion;
    }

    /** Synchronized: a sink may hand records to other threads; the one map is made once and shared. */
    private synchronized Map<Object, Object> map() {
        if (map == null) {
            map = conversion.get();
        }
        return map;
    }

    @Override
    public int size() {
        return map().size();
    }

    @Override
    public boolean isEmpty() {
        return map().isEmpty();
    }

    @Override
    public boolean containsKey(Object key) {
        return map().containsKey(key);
    }

    @Override
    public boolean containsValue(Object value) {
        return map().containsValue(value);
    }

    @Override
    public Object get(Object key) {
        return map().get(key);
    }

    @Override
    public Object put(Object key, Object value) {
        return map().put(key, value);
    }

    @Override
    public Object remove(Object key) {
        return map().remove(key);
    }

    @Override
    public void putAll(Map<?, ?> m) {
        map().putAll(m);
    }

    @Override
    public void clear() {
        map().clear();
    }

    @Override
    public Set<Object> keySet() {
        return map().keySet();
    }

    @Override
    public Collection<Object> values() {
        return map().values();
    }

    @Override
    public Set<Entry<Object, Object>> entrySet() {
        return map().entrySet();
    }

    @Override
    public boolean equals(Object o) {
        return o == this || map().equals(o instanceof DeferredJsonObject d ? d.map() : o);
    }

    @Override
    public int hashCode() {
        return map().hashCode();
    }

    @Override
    public String toString() {
        return map().toString();
    }
}
