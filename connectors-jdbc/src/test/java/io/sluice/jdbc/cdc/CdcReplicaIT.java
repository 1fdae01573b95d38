package io.sluice.jdbc.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance at integration-test scale: 100,000 rows in 4 tables snapshotted while 10,000 changes run
 * on them, flat rows applied by the JDBC sink to a replica database that ends equal to the source (the 1,000,000-row
 * run is the benchmark's CDC scenario). A row changed while the snapshot reads it is neither missed nor applied out
 * of order at the seam.
 */
class CdcReplicaIT {

    @RegisterExtension
    static final PostgresDatabase source = new PostgresDatabase("cdcload");

    @RegisterExtension
    static final PostgresDatabase replica = new PostgresDatabase("cdcloadreplica");

    @TempDir
    Path dir;

    @Test
    void snapshotOf100000RowsWhile10000ChangesRunLeavesAnIdenticalReplica() throws Exception {
        String schema = "load";
        int rows = Integer.getInteger("sluice.cdc.rows", 100_000);
        SourceLoad load = new SourceLoad(source, schema, 4, rows / 4);
        load.create(replica);
        String prefix = KafkaTestBroker.uniqueTopic("load").replace('-', '_');
        try (TestWorker worker = TestWorkers.worker(dir).start(); load) {
            RestClient rest = worker.rest();
            load.start(10_000, 5);
            assertEquals(201, rest.createConnector("load-cdc", cdcConfig(source.url(), prefix, schema)).status());
            assertEquals(201, rest.createConnector("load-replica", sinkConfig(replica.url(), prefix, schema, load)).status());
            load.awaitDone();
            for (String table : load.tableNames()) {
                Await.until(() -> Replica.same(source, replica, schema, table), Duration.ofSeconds(180),
                        "the replica of " + table + " equals the source (" + Replica.describe(source, replica, schema,
                                table) + ")");
            }
        }
    }

    /** The CDC source of the replica tests: flat rows of the schema's tables, every operation. */
    static Map<String, String> cdcConfig(String url, String prefix, String schema) {
        Map<String, String> cdc = new HashMap<>();
        cdc.put("connector.class", "io.sluice.jdbc.cdc.PostgresCdcConnector");
        cdc.put("connection.url", url);
        cdc.put("topic.prefix", prefix);
        cdc.put("schema.include.list", schema);
        cdc.put("slot.name", prefix.toLowerCase());
        cdc.put("publication.name", prefix);
        cdc.put("output.format", "flat");
        cdc.put("skipped.operations", "none");
        cdc.put("status.update.interval.ms", "500");
        return cdc;
    }

    /** The JDBC sink keeping the replica: upserts, deletes and truncates of the load's tables, by record key. */
    static Map<String, String> sinkConfig(String url, String prefix, String schema, SourceLoad load) {
        return replicaSink(url, "topics", load.tableNames().stream().map(t -> prefix + "." + schema + "." + t)
                .collect(Collectors.joining(",")));
    }

    /**
     * A JDBC sink applying a CDC source's flat rows (or unwrapped envelopes) to a replica: upserts, deletes and
     * truncates by record key, tables created and evolved as the events describe them; topics given by topicsKey
     * (topics or topics.regex).
     */
    static Map<String, String> replicaSink(String url, String topicsKey, String topics) {
        Map<String, String> sink = new HashMap<>();
        sink.put("connector.class", "io.sluice.jdbc.sink.JdbcSinkConnector");
        sink.put("connection.url", url);
        sink.put(topicsKey, topics);
        sink.put("insert.mode", "upsert");
        sink.put("pk.mode", "record_key");
        sink.put("delete.enabled", "true");
        sink.put("truncate.enabled", "true");
        sink.put("auto.create", "true");
        sink.put("auto.evolve", "true");
        sink.put("batch.size", "5000");
        if (topicsKey.equals("topics.regex")) {
            // the source creates its topics after the sink subscribed: the regex finds each at the consumer's next
            // metadata refresh (10 s by default), which these stories wait for but do not prove
            sink.put("consumer.override.metadata.max.age.ms", "1000");
        }
        return sink;
    }
}
