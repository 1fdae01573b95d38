package io.sluice.jdbc.perf;

import io.sluice.jdbc.source.JdbcSourceTask;
import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.runtime.testing.RecordingSourceContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Source task throughput against a plain pgjdbc fetch of the same rows (1,000,000 by default), and
 * the cost JsonConverter with schemas adds per record. Not part of the normal build:
 * {@code ./mvnw -o -q -pl connectors-jdbc -am verify -Dsluice.perf=true -Dit.test=SourceThroughputPerfIT
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@Tag("perf")
@EnabledIfSystemProperty(named = "sluice.perf", matches = "true")
class SourceThroughputPerfIT {
    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("sourceperf");
    private static final int ROWS = Integer.getInteger("sluice.perf.rows", 1_000_000);
    private static final int FETCH = 10_000;
    /** The task's batch.max.rows: -Dsluice.perf.batch=100 measures the connector's default. */
    private static final int BATCH = Integer.getInteger("sluice.perf.batch", FETCH);

    @Test
    void sourceTaskAgainstPlainFetch() throws Exception {
        // the benchmark's row shape (scenario 4): about 100 bytes of data per row
        db.execute("CREATE TABLE rows_t (id bigint PRIMARY KEY, name text NOT NULL, amount double precision NOT NULL,"
                        + " created bigint NOT NULL, note text NOT NULL)",
                "INSERT INTO rows_t SELECT g, 'name-' || md5(g::text), (g % 100000) / 100.0, 1700000000000 + g * 1000,"
                        + " md5(g::text) || substr(md5((g + 1)::text), 1, 18) FROM generate_series(1, " + ROWS + ") g",
                "VACUUM ANALYZE rows_t");
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "true"), false);
        // alternate the runs so both see the same machine load
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            plainFetch();
            report("plain pgjdbc fetch (fetch size " + FETCH + ")", t0);
            t0 = System.nanoTime();
            runTask(null);
            report("source task polls (batch.max.rows " + BATCH + ")", t0);
            t0 = System.nanoTime();
            runTask(json);
            report("source task polls + JsonConverter", t0);
        }
    }

    private static void plainFetch() throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(FETCH);
                long sum = 0;
                try (ResultSet rs = s.executeQuery("SELECT * FROM rows_t ORDER BY id")) {
                    while (rs.next()) {
                        sum += rs.getLong(1) + rs.getString(2).length() + (long) rs.getDouble(3) + rs.getLong(4)
                                + rs.getString(5).length();
                    }
                }
                if (sum == 42) {
                    System.out.println();
                }
            }
        }
    }

    private static void runTask(JsonConverter json) throws Exception {
        JdbcSourceTask task = new JdbcSourceTask();
        task.initialize(new RecordingSourceContext());
        task.start(Map.of("connection.url", db.url(), "topic.prefix", "perf-", "tables", "rows_t",
                "mode", "incrementing", "incrementing.column.name", "id", "batch.max.rows", String.valueOf(BATCH),
                "poll.interval.ms", "600000"));
        int n = 0;
        long bytes = 0;
        while (n < ROWS) {
            List<SourceRecord> batch = task.poll();
            if (batch == null) {
                continue;
            }
            n += batch.size();
            if (json != null) {
                for (SourceRecord r : batch) {
                    bytes += json.fromConnectData(r.topic(), r.valueSchema(), r.value()).length;
                }
            }
        }
        task.stop();
        if (bytes == 42) {
            System.out.println();
        }
    }

    private static void report(String what, long t0) {
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("PERF %-45s %6.2f s  %,10.0f rows/s%n", what, s, ROWS / s);
    }
}
