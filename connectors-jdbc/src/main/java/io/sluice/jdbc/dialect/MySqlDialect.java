package io.sluice.jdbc.dialect;

import io.sluice.jdbc.TableId;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/** MySQL and MariaDB: backtick quoting and INSERT ... ON DUPLICATE KEY UPDATE upserts. */
public class MySqlDialect extends AnsiDialect {

    public MySqlDialect(ZoneId zone) {
        super(zone);
    }

    @Override
    public String name() {
        return DatabaseDialects.MYSQL;
    }

    @Override
    public String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    @Override
    public String sessionInitSql() {
        // named zones need the server's time zone tables; an offset always works
        ZoneOffset offset = zone.getRules().getOffset(Instant.now());
        return "SET time_zone = '" + (offset.getTotalSeconds() == 0 ? "+00:00" : offset.getId()) + "'";
    }

    @Override
    public Map<String, String> driverProperties() {
        return Map.of("rewriteBatchedStatements", "true");
    }

    @Override
    public String upsertSql(TableId table, List<SinkColumn> columns) {
        StringJoiner set = new StringJoiner(", ");
        List<SinkColumn> nonKeys = nonKeys(columns);
        // with no non-key column, a no-op assignment keeps an existing row as it is
        (nonKeys.isEmpty() ? keys(columns) : nonKeys)
                .forEach(c -> set.add(quote(c.name()) + " = VALUES(" + quote(c.name()) + ")"));
        return insertSql(table, columns) + " ON DUPLICATE KEY UPDATE " + set;
    }

    @Override
    public String sqlType(Schema schema, boolean key) {
        String logical = schema.name();
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            return "DECIMAL(65," + scale(schema) + ")";
        }
        if (Date.LOGICAL_NAME.equals(logical)) {
            return "DATE";
        }
        if (Time.LOGICAL_NAME.equals(logical)) {
            return "TIME(3)";
        }
        if (Timestamp.LOGICAL_NAME.equals(logical)) {
            return "DATETIME(3)";
        }
        return switch (schema.type()) {
            case INT8 -> "TINYINT";
            case INT16 -> "SMALLINT";
            case INT32 -> "INT";
            case INT64 -> "BIGINT";
            case FLOAT32 -> "FLOAT";
            case FLOAT64 -> "DOUBLE";
            case BOOLEAN -> "TINYINT(1)";
            // keys need a bounded length to be indexed
            case STRING -> key ? "VARCHAR(256)" : "TEXT";
            case BYTES -> key ? "VARBINARY(255)" : "BLOB";
            default -> throw unsupported(schema);
        };
    }

    @Override
    public String currentTimestampQuery() {
        return "SELECT CURRENT_TIMESTAMP(6)";
    }
}
