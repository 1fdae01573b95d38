package io.sluice.jdbc.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.jdbc.testing.Topics;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.WorkerLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker running the CDC source and the JDBC sink is killed with SIGKILL five times, twice during the snapshot
 * and three times while changes stream: after each kill the slot's confirmed position covers only transactions whose
 * records are all in Kafka (each transaction's ledger rows go to four partitions, so their acknowledgements come in
 * any order), after each restart it passes the position of the previous kill while the changes stream without pause,
 * and at the end the replica equals the source. A snapshot killed after some rows were sent, while
 * rows (sent or not yet) were deleted and updated, leaves no deleted row behind once the restarted one finishes.
 */
class CdcCrashRecoveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PostgresDatabase source = new PostgresDatabase("cdccrash");

    @RegisterExtension
    static final PostgresDatabase replica = new PostgresDatabase("cdccrashreplica");

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void killedFiveTimesTheReplicaEndsIdenticalAndTheSlotNeverPassesAnUnacknowledgedRecord() throws Exception {
        String schema = "crash";
        int rowsPerTable = 25_000;
        SourceLoad load = new SourceLoad(source, schema, 4, rowsPerTable);
        load.create(replica);
        String prefix = KafkaTestBroker.uniqueTopic("crash").replace('-', '_');
        String slot = prefix.toLowerCase();
        List<String> tableTopics = tableTopics(load, prefix, schema);
        String ledgerTopic = prefix + "." + schema + ".ledger";
        Map<String, String> cdc = cdcConfig(prefix, schema);
        cdc.put("topic.creation.default.partitions", "4");
        cdc.put("topic.creation.default.replication.factor", "1");
        Map<String, String> sink = CdcReplicaIT.sinkConfig(replica.url(), prefix, schema, load);
        try (WorkerLauncher worker = worker("cdc-crash-cluster"); load) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("crash-cdc", cdc).status());
            assertEquals(201, rest.createConnector("crash-replica", sink).status());

            long killedAt = Lsn.NONE;
            for (int kill = 1; kill <= 2; kill++) {
                long before = total(tableTopics);
                Await.until(() -> total(tableTopics) >= before + 25_000, Duration.ofSeconds(120),
                        "snapshot records arriving; log: " + worker.tail());
                assertTrue(total(tableTopics) - before < 4L * rowsPerTable, "killed during the snapshot");
                killedAt = killAndCheck(worker, slot, ledgerTopic, load);
                worker.start();
            }
            load.start(Integer.MAX_VALUE, 5, 5);
            for (int kill = 3; kill <= 5; kill++) {
                Await.until(() -> streamingOffsetCommitted(worker), Duration.ofSeconds(180),
                        "the snapshot acknowledged and streamed offsets committed; log: " + worker.tail());
                long before = Topics.recordsIn(ledgerTopic);
                Await.until(() -> Topics.recordsIn(ledgerTopic) >= before + 1000, Duration.ofSeconds(120),
                        "changes streaming (" + load.changes() + " changes written); log: " + worker.tail());
                // liveness beside safety: the restarted task confirms what Kafka acknowledged since the last kill
                long previous = killedAt;
                Await.until(() -> confirmedFlush(slot) > previous, Duration.ofSeconds(120),
                        () -> "the slot passes " + Lsn.format(previous) + ", where it was at the previous kill (at "
                                + Lsn.format(confirmedFlush(slot)) + "); log: " + worker.tail());
                killedAt = killAndCheck(worker, slot, ledgerTopic, load);
                worker.start();
            }
            load.stop();
            load.awaitDone();
            for (String table : load.tableNames()) {
                Await.until(() -> Replica.same(source, replica, schema, table), Duration.ofSeconds(240),
                        "the replica of " + table + " equals the source (" + Replica.describe(source, replica,
                                schema, table) + "); log: " + worker.tail());
            }
        }
    }

    @Test
    void rowsDeletedWhileAKilledSnapshotRanAreDeletedFromTheReplicaAfterRestart() throws Exception {
        String schema = "interrupted";
        int rowsPerTable = 25_000;
        SourceLoad load = new SourceLoad(source, schema, 4, rowsPerTable);
        load.create(replica);
        String prefix = KafkaTestBroker.uniqueTopic("interrupted").replace('-', '_');
        List<String> tableTopics = tableTopics(load, prefix, schema);
        Map<String, String> cdc = cdcConfig(prefix, schema);
        try (WorkerLauncher worker = worker("cdc-interrupted-cluster"); load) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("interrupted-cdc", cdc).status());
            Await.until(() -> total(tableTopics) >= 10_000, Duration.ofSeconds(120),
                    "snapshot records arriving; log: " + worker.tail());
            // rows already sent and rows not yet read are deleted or updated while the snapshot runs
            for (String table : load.tableNames().subList(0, 4)) {
                source.execute("DELETE FROM " + schema + "." + table + " WHERE id % 7 = 0",
                        "UPDATE " + schema + "." + table + " SET a = a + 1, b = 'changed' WHERE id % 5 = 0");
            }
            worker.kill();
            assertTrue(total(tableTopics) < 4L * rowsPerTable, "killed during the snapshot");
            worker.start();
            for (String table : load.tableNames().subList(0, 4)) {
                String topic = prefix + "." + schema + "." + table;
                Map<Long, String> expected = new java.util.HashMap<>();
                source.query("SELECT id, a, b FROM " + schema + "." + table).forEach(r -> expected.put(
                        ((Number) r.get(0)).longValue(), r.get(1) + "|" + r.get(2)));
                Await.until(() -> lastStatePerKey(topic).equals(expected), Duration.ofSeconds(120),
                        () -> "the last state per key of " + topic + " equals the source's " + expected.size()
                                + " rows (" + lastStatePerKey(topic).size() + " keys); log: " + worker.tail());
            }
        }
    }

    /** The topic read as a replica would apply it: each key's last row (a, b), a delete or tombstone removing it. */
    private static Map<Long, String> lastStatePerKey(String topic) {
        Map<Long, String> rows = new java.util.HashMap<>();
        int count = (int) Topics.recordsIn(topic);
        for (ConsumerRecord<String, String> r : KafkaTestBroker.consumeAll(topic, count, Duration.ofSeconds(60))) {
            try {
                long id = JSON.readTree(r.key()).get("payload").get("id").asLong();
                org.apache.kafka.common.header.Header op = r.headers().lastHeader(EventRecords.OP_HEADER);
                if (r.value() == null || op != null && "d".equals(new String(op.value(),
                        java.nio.charset.StandardCharsets.UTF_8))) {
                    rows.remove(id);
                } else {
                    JsonNode row = JSON.readTree(r.value()).get("payload");
                    rows.put(id, row.get("a").asText() + "|" + row.get("b").asText());
                }
            } catch (Exception e) {
                throw new AssertionError("Unreadable record in " + topic + ": " + r.key(), e);
            }
        }
        return rows;
    }

    /** A worker of its own cluster that commits offsets every 500 ms, for this test to kill and start again. */
    private WorkerLauncher worker(String cluster) {
        return new WorkerLauncher(dir, WorkerLauncher.freePort(), Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", KafkaTestBroker.uniqueTopic(cluster),
                "plugin.path", TestWorkers.pluginPath(dir).toString(),
                "offset.flush.interval.ms", "500"));
    }

    /** The CDC source of the replica tests, waiting out a slot the killed instance's walsender still holds. */
    private static Map<String, String> cdcConfig(String prefix, String schema) {
        Map<String, String> cdc = CdcReplicaIT.cdcConfig(source.url(), prefix, schema);
        cdc.put("slot.max.retries", "30");
        cdc.put("slot.retry.delay.ms", "1000");
        return cdc;
    }

    private static List<String> tableTopics(SourceLoad load, String prefix, String schema) {
        return load.tableNames().stream().filter(t -> t.startsWith("t")).map(t -> prefix + "." + schema + "." + t)
                .toList();
    }

    /**
     * Kills the worker, then reads the slot's confirmed position (returned): every transaction the writer committed at or before
     * it must have its ledger row in Kafka (the records of a transaction are acknowledged as a whole before it counts).
     */
    private static long killAndCheck(WorkerLauncher worker, String slot, String ledgerTopic, SourceLoad load) {
        worker.kill();
        long confirmed = confirmedFlush(slot);
        Set<Long> inKafka = ledgerIds(ledgerTopic);
        List<Long> missing = new ArrayList<>();
        int covered = 0;
        for (SourceLoad.Committed c : load.committed()) {
            if (c.lsnAfter() <= confirmed) {
                covered++;
                for (int i = 0; i < SourceLoad.LEDGER_ROWS; i++) {
                    if (!inKafka.contains(c.number() * 100 + i)) {
                        missing.add(c.number() * 100 + i);
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "the slot confirmed " + Lsn.format(confirmed) + " past transactions whose "
                + "ledger rows Kafka does not have: " + missing);
        System.out.printf("killed: slot at %s covers %d committed transactions, all in Kafka (%d ledger records)%n",
                Lsn.format(confirmed), covered, inKafka.size());
        return confirmed;
    }

    private static long confirmedFlush(String slot) {
        return Lsn.parse(String.valueOf(source.scalar(
                "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'")));
    }

    /** Whether the connector's committed offset is a streaming one (the snapshot is complete and acknowledged). */
    private static boolean streamingOffsetCommitted(WorkerLauncher worker) {
        try {
            RestClient.Response offsets = new RestClient(worker.restUrl()).get("/connectors/crash-cdc/offsets");
            JsonNode list = offsets.body().get("offsets");
            return list != null && list.size() == 1 && list.get(0).get("offset").get("seq") != null;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private static Set<Long> ledgerIds(String topic) {
        long count = Topics.recordsIn(topic);
        Set<Long> ids = new HashSet<>();
        if (count == 0) {
            return ids;
        }
        for (ConsumerRecord<String, String> r : KafkaTestBroker.consumeAll(topic, (int) count, Duration.ofSeconds(60))) {
            try {
                JsonNode key = JSON.readTree(r.key());
                ids.add(key.get("payload").get("id").asLong());
            } catch (Exception e) {
                throw new AssertionError("Unreadable ledger key " + r.key(), e);
            }
        }
        return ids;
    }

    private static long total(List<String> topics) {
        return topics.stream().mapToLong(Topics::recordsIn).sum();
    }
}
