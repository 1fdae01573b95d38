package io.sluice.jdbc.source;

import io.sluice.jdbc.TableId;
import io.sluice.jdbc.source.JdbcSourceConfig.Mode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the JDBC source accepts as partitions and offsets ({@link OffsetKeys} has their shapes): when a user alters
 * them, against the connector's query or tables and its mode; when a task reads them back, their shape alone (the
 * mode may have changed since they were written, and an offset of the previous mode is still a place to start). An
 * offset a task could not read would otherwise be skipped, and the table read again from its first row.
 */
final class OffsetChecks {
    private static final Set<String> OFFSET_KEYS = Set.of(OffsetKeys.INCREMENTING, OffsetKeys.TIMESTAMP,
            OffsetKeys.TIMESTAMP_NANOS);
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private OffsetChecks() {
    }

    /**
     * Why a stored offset cannot be read, or null: every key is one a mode writes, every value a whole number, and
     * timestamp_nanos the nanoseconds within the second of timestamp.
     */
    static String shapeProblem(Map<String, ?> offset) {
        for (Map.Entry<String, ?> e : offset.entrySet()) {
            if (!OFFSET_KEYS.contains(e.getKey())) {
                return "'" + e.getKey() + "' is no offset key of this connector (" + OffsetKeys.INCREMENTING + ", "
                        + OffsetKeys.TIMESTAMP + " in epoch milliseconds, " + OffsetKeys.TIMESTAMP_NANOS + ")";
            }
            if (!isWhole(e.getValue())) {
                return "The value for the '" + e.getKey() + "' key in the offset is expected to be a whole number, not "
                        + describe(e.getValue());
            }
        }
        if (offset.containsKey(OffsetKeys.TIMESTAMP_NANOS)) {
            long nanos = ((Number) offset.get(OffsetKeys.TIMESTAMP_NANOS)).longValue();
            if (!offset.containsKey(OffsetKeys.TIMESTAMP)) {
                return "'" + OffsetKeys.TIMESTAMP_NANOS + "' refines '" + OffsetKeys.TIMESTAMP + "', which is missing";
            }
            long millis = ((Number) offset.get(OffsetKeys.TIMESTAMP)).longValue();
            if (nanos < 0 || nanos >= 1000 * NANOS_PER_MILLI || nanos / NANOS_PER_MILLI != Math.floorMod(millis, 1000)) {
                return "'" + OffsetKeys.TIMESTAMP_NANOS + "' is the nanoseconds within the second of '"
                        + OffsetKeys.TIMESTAMP + "' (" + millis + " ms: " + Math.floorMod(millis, 1000) * NANOS_PER_MILLI
                        + " to " + (Math.floorMod(millis, 1000) * NANOS_PER_MILLI + NANOS_PER_MILLI - 1) + "), not " + nanos
                        + "; leave it out to start at the millisecond";
            }
        }
        return null;
    }

    /**
     * Why an offset a user alters does not fit this connector, or null: the partition must be the query's or a table
     * the include and exclude lists let through, the offset hold what the mode reads (nothing in bulk mode). A null
     * offset (a reset) fits any partition, so leftovers of an older configuration can be cleaned up.
     */
    static String alteredProblem(JdbcSourceConfig config, Map<String, ?> partition, Map<String, ?> offset) {
        if (offset == null) {
            return null;
        }
        String problem = partitionProblem(config, partition);
        if (problem == null) {
            problem = shapeProblem(offset);
        }
        return problem != null ? problem : modeProblem(config.mode(), offset);
    }

    private static String partitionProblem(JdbcSourceConfig config, Map<String, ?> partition) {
        if (partition == null) {
            return "Partition objects cannot be null";
        }
        if (!config.query().isEmpty()) {
            if (!Map.of(OffsetKeys.QUERY, config.query()).equals(partition)) {
                return "This connector reads a query: its one partition is {\"" + OffsetKeys.QUERY + "\": <the query "
                        + "exactly as configured>}, as GET /connectors/{name}/offsets shows it, not " + partition;
            }
            return null;
        }
        if (!partition.keySet().equals(Set.of(OffsetKeys.PROTOCOL, OffsetKeys.TABLE))
                || !"1".equals(partition.get(OffsetKeys.PROTOCOL))
                || !(partition.get(OffsetKeys.TABLE) instanceof String table) || table.isBlank()) {
            return "The partitions of this connector are {\"" + OffsetKeys.PROTOCOL + "\": \"1\", \"" + OffsetKeys.TABLE
                    + "\": \"<schema>.<table>\"}, as GET /connectors/{name}/offsets shows them, not " + partition;
        }
        TableFilter filter = new TableFilter(config.includes(), config.excludes());
        if (!filter.accepts(TableId.parse(table))) {
            return "Table " + table + " is not one this connector reads (" + JdbcSourceConfig.TABLE_INCLUDE_LIST + ", "
                    + JdbcSourceConfig.TABLE_EXCLUDE_LIST + "), so its offset would never be used";
        }
        return null;
    }

    private static String modeProblem(Mode mode, Map<String, ?> offset) {
        boolean incrementing = offset.containsKey(OffsetKeys.INCREMENTING);
        boolean timestamp = offset.containsKey(OffsetKeys.TIMESTAMP);
        List<String> needed = switch (mode) {
            case BULK -> List.of();
            case INCREMENTING -> List.of(OffsetKeys.INCREMENTING);
            case TIMESTAMP -> List.of(OffsetKeys.TIMESTAMP);
            case TIMESTAMP_INCREMENTING -> List.of(OffsetKeys.TIMESTAMP, OffsetKeys.INCREMENTING);
        };
        if (mode == Mode.BULK && !offset.isEmpty()) {
            return "mode=bulk reads the whole table at every poll and keeps no offset: give {} or null";
        }
        boolean fits = needed.contains(OffsetKeys.INCREMENTING) == incrementing
                && needed.contains(OffsetKeys.TIMESTAMP) == timestamp;
        if (!fits) {
            return "mode=" + mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '+') + " reads from an offset "
                    + "with " + String.join(" and ", needed.stream().map(k -> "'" + k + "'").toList())
                    + (needed.contains(OffsetKeys.TIMESTAMP) ? " (epoch milliseconds; '" + OffsetKeys.TIMESTAMP_NANOS
                    + "' optional)" : "") + " and nothing else, not " + offset;
        }
        return null;
    }

    private static boolean isWhole(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    private static String describe(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }
}
