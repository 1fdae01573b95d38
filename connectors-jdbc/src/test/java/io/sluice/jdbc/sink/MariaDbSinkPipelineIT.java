package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.jdbc.testing.MariaDbDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink in a real worker writing to MariaDB, with the MariaDB driver dropped into the plugin's
 * directory as a user would: it must be found in the plugin's class loader.
 */
class MariaDbSinkPipelineIT {

    @RegisterExtension
    static final MariaDbDatabase db = new MariaDbDatabase("sinkpipe");

    @TempDir
    Path dir;

    @Test
    void jsonRecordsBecomeUpsertedRowsThroughADriverInThePluginDirectory() {
        Path pluginPath = TestWorkers.pluginPath(dir);
        TestWorkers.installMariaDbDriver(pluginPath);
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("mariadb").replace('-', '_'), 1);
        KafkaTestBroker.produce(topic, List.of(
                new SimpleEntry<>(JdbcSinkPipelineIT.key(1), JdbcSinkPipelineIT.value(1, "first", 1)),
                new SimpleEntry<>(JdbcSinkPipelineIT.key(2), JdbcSinkPipelineIT.value(2, "second", 2)),
                new SimpleEntry<>(JdbcSinkPipelineIT.key(1), JdbcSinkPipelineIT.value(1, "again", 3)),
                new SimpleEntry<>(JdbcSinkPipelineIT.key(2), null)));
        try (TestWorker worker = TestWorker.standalone().pluginPath(pluginPath).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("jdbc-mariadb-sink",
                    JdbcSinkPipelineIT.sinkConfig(topic, db.url())).status());
            String table = "sink_" + topic;
            Await.until(() -> rows(table).equals(List.of("1:again:3")), Duration.ofSeconds(60),
                    "row 1 upserted, 2 deleted; have " + rows(table) + "; status "
                            + rest.get("/connectors/jdbc-mariadb-sink/status").raw());
        }
    }

    private static List<String> rows(String table) {
        try {
            return db.query("SELECT id, name, seq FROM `" + table + "` ORDER BY id").stream()
                    .map(r -> r.get(0) + ":" + r.get(1) + ":" + r.get(2)).toList();
        } catch (IllegalStateException notYetCreated) {
            return List.of();
        }
    }
}
