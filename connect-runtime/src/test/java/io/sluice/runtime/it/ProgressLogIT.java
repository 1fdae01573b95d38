package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker process logs one progress line per connector that moved records (interval shortened
 * here from the default minute to a second), with the connector's MDC context; task lines carry the task's, and so do
 * lines about a connector logged by threads that work for no connector.
 */
class ProgressLogIT {

    @TempDir
    Path dir;

    @Test
    void progressLinePerConnectorWithItsContext() throws Exception {
        Path input = dir.resolve("input.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            lines.add("line-" + i);
        }
        Files.write(input, lines);
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("progress"), 1);
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        try (WorkerLauncher launcher = new WorkerLauncher(dir, WorkerLauncher.freePort(), Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", KafkaTestBroker.uniqueTopic("progress-cluster"),
                "plugin.path", pluginPath.toString(),
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "sluice.progress.log.interval.ms", "1000"))) {
            RestClient rest = launcher.start();
            assertEquals(201, rest.createConnector("progress-src", Map.of("connector.class", "FileStreamSource",
                    "file", input.toString(), "topic", topic)).status());
            assertEquals(201, rest.createConnector("progress-sink", Map.of("connector.class", "FileStreamSink",
                    "file", dir.resolve("out.txt").toString(), "topics", topic)).status());
            // a connector that moves a line whenever the test appends one: its progress lines show intervals passing
            Path ticks = dir.resolve("ticks.txt");
            Files.writeString(ticks, "");
            assertEquals(201, rest.createConnector("progress-ticker", Map.of("connector.class", "FileStreamSource",
                    "file", ticks.toString(), "topic", KafkaTestBroker.uniqueTopic("ticks"))).status());
            Path log = dir.resolve("worker.log");
            Await.until(() -> read(log).stream().anyMatch(l -> l.contains("Connector progress-sink wrote")
                            && l.contains("written since its tasks started")), Duration.ofSeconds(60),
                    "a progress line of the sink, counting what it acknowledged");
            Await.until(() -> read(log).stream().anyMatch(l -> l.contains("Connector progress-src wrote")),
                    Duration.ofSeconds(60), "a progress line of the source");
            List<String> all = read(log);
            String source = all.stream().filter(l -> l.contains("Connector progress-src wrote")).findFirst().orElseThrow();
            assertTrue(source.contains("records in the last") && source.contains("records/s")
                    && source.contains("[progress-src|worker]"), source);
            String started = all.stream().filter(l -> l.contains("SourceTaskRunner{progress-src-0} started")
                    || l.contains("SourceTaskRunner{progress-src") && l.contains("started")).findFirst().orElseThrow();
            assertTrue(started.contains("[progress-src|task-0]"), started);
            // logged on the config store's callback thread, which works for no connector
            String stored = all.stream().filter(l -> l.contains("Stored 1 task config(s) of connector progress-src"))
                    .findFirst().orElseThrow();
            assertTrue(stored.contains("[progress-src|worker]"), stored);
            // nothing more to move: no more progress lines for the source once it is idle
            Await.until(() -> read(log).stream().filter(l -> l.contains("Connector progress-src wrote"))
                    .mapToLong(l -> 1).sum() >= 1, Duration.ofSeconds(5), "counted");
            long total = read(log).stream().filter(l -> l.contains("Connector progress-src wrote")).count();
            // three more intervals with a line of the ticker each, in which the idle source has nothing to report
            long ticked = count(log, "Connector progress-ticker wrote");
            for (int tick = 1; tick <= 3; tick++) {
                Files.writeString(ticks, "tick-" + tick + "\n", java.nio.file.StandardOpenOption.APPEND);
                long expected = ticked + tick;
                Await.until(() -> count(log, "Connector progress-ticker wrote") >= expected, Duration.ofSeconds(60),
                        "a progress line of the ticker for tick " + tick);
            }
            long later = read(log).stream().filter(l -> l.contains("Connector progress-src wrote")).count();
            assertTrue(later <= total + 1, "an idle connector logs no progress: " + total + " then " + later);
        }
    }

    private static long count(Path log, String text) {
        return read(log).stream().filter(l -> l.contains(text)).count();
    }

    private static List<String> read(Path log) {
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
