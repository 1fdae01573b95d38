package io.sluice.jdbc.perf;

import io.sluice.jdbc.sink.JdbcSinkTask;
import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.runtime.testing.StubSinkContext;
import java.io.StringReader;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

/**
 * Sink task throughput against a plain COPY of the same rows (1,000,000 by default). Not part of
 * the normal build: {@code ./mvnw -o -q -pl connectors-jdbc -am verify -Dsluice.perf=true
 * -Dit.test=SinkThroughputPerfIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false}; {@code -Dsluice.perf.json=true} adds the worker's JSON conversion.
 */
@Tag("perf")
@EnabledIfSystemProperty(named = "sluice.perf", matches = "true")
class SinkThroughputPerfIT {
    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("perf");
    private static final int ROWS = Integer.getInteger("sluice.perf.rows", 1_000_000);
    private static final int PUT = Integer.getInteger("sluice.perf.put", 2000);
    private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
    private static final Schema VALUE = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA)
            .field("name", Schema.STRING_SCHEMA).field("qty", Schema.INT32_SCHEMA)
            .field("price", Schema.FLOAT64_SCHEMA).build();

    @Test
    void sinkModesAgainstPlainCopy() throws Exception {
        List<SinkRecord> records = new ArrayList<>(ROWS);
        StringBuilder copyText = new StringBuilder();
        for (long i = 0; i < ROWS; i++) {
            Struct v = new Struct(VALUE).put("id", i).put("name", "name-" + i).put("qty", (int) (i % 100))
                    .put("price", i * 0.5);
            records.add(new SinkRecord("t", 0, KEY, new Struct(KEY).put("id", i), VALUE, v, i));
            copyText.append(i).append('\t').append("name-").append(i).append('\t').append(i % 100).append('\t')
                    .append(i * 0.5).append('\n');
        }
        String copyData = copyText.toString();
        // like the worker: JsonConverter with schemas turns each record's bytes into a SinkRecord before put
        JsonConverter json = null;
        byte[][] jsonKeys = null;
        byte[][] jsonValues = null;
        if (Boolean.getBoolean("sluice.perf.json")) {
            json = new JsonConverter();
            json.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
            jsonKeys = new byte[ROWS][];
            jsonValues = new byte[ROWS][];
            for (int i = 0; i < ROWS; i++) {
                SinkRecord r = records.get(i);
                jsonKeys[i] = json.fromConnectData("t", r.keySchema(), r.key());
                jsonValues[i] = json.fromConnectData("t", r.valueSchema(), r.value());
            }
        }
        db.execute("CREATE TABLE copy_t (id bigint primary key, name text NOT NULL, qty int NOT NULL,"
                + " price float8 NOT NULL)");
        // alternate COPY and sink runs so both see the same machine load
        for (int round = 0; round < 2; round++) {
            db.execute("TRUNCATE copy_t");
            long t0 = System.nanoTime();
            try (Connection c = db.connect()) {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY copy_t FROM STDIN", new StringReader(copyData));
            }
            report("plain COPY (one statement)", t0);
            for (String mode : System.getProperty("sluice.perf.modes", "insert,upsert,upsert-again").split(",")) {
                String table = mode.startsWith("upsert") ? "sink_upsert" : "sink_insert";
                if (!mode.equals("upsert-again")) {
                    db.execute("DROP TABLE IF EXISTS " + table);
                }
                JdbcSinkTask task = new JdbcSinkTask();
                task.initialize(new StubSinkContext());
                task.start(Map.of("connection.url", db.url(), "auto.create", "true",
                        "insert.mode", mode.startsWith("upsert") ? "upsert" : "insert",
                        "pk.mode", "record_key", "table.name.format", table));
                t0 = System.nanoTime();
                for (int i = 0; i < ROWS; i += PUT) {
                    List<SinkRecord> put = records.subList(i, Math.min(ROWS, i + PUT));
                    task.put(json == null ? put : fromJson(json, put, jsonKeys, jsonValues, i));
                }
                // as the worker does before committing offsets: buffered rows are written
                task.preCommit(Map.of());
                report("sink " + mode + (json == null ? "" : " from JSON") + " (puts of " + PUT + ")", t0);
                task.stop();
            }
        }
    }

    private static List<SinkRecord> fromJson(JsonConverter json, List<SinkRecord> put, byte[][] keys,
                                             byte[][] values, int first) {
        List<SinkRecord> converted = new ArrayList<>(put.size());
        for (int j = 0; j < put.size(); j++) {
            SchemaAndValue key = json.toConnectData("t", keys[first + j]);
            SchemaAndValue value = json.toConnectData("t", values[first + j]);
            converted.add(new SinkRecord("t", 0, key.schema(), key.value(), value.schema(), value.value(), first + j));
        }
        return converted;
    }

    private static void report(String what, long t0) {
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("PERF %-40s %6.2f s  %,10.0f rows/s%n", what, s, ROWS / s);
    }
}
