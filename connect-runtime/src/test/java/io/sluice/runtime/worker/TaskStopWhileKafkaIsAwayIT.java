package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.kafka.EmbeddedKafkaBroker;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.CompactedTopic;
import io.sluice.runtime.storage.KafkaStatusStore;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.LogCapture;
import io.sluice.runtime.testing.WorkerLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tester's story (tryout16): a worker whose Kafka went away stopped a task; the log said "...stopped" and then,
 * 5 s later, that the same task "did not stop within the graceful shutdown timeout; cancelling it". The task had
 * stopped; its last report (UNASSIGNED) waited in the status store's producer for the topic's metadata, which the
 * producer drops once a topic is idle and cannot fetch while Kafka is away. A real worker and status store on a broker
 * of the test's own, which it closes.
 */
class TaskStopWhileKafkaIsAwayIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long GRACEFUL_MS = 2_000;

    @TempDir
    Path dir;

    @Test
    void aTaskStoppedWhileKafkaIsAwayLogsThatItStoppedOnceAndIsNotCancelled() throws Exception {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), WorkerLauncher.freePort()).start();
        Map<String, Object> clients = new HashMap<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
                // what a quiet status topic reaches in minutes, in seconds: its metadata dropped as idle
                "metadata.max.idle.ms", "5000", "metadata.max.age.ms", "1000"));
        KafkaStatusStore statuses = new KafkaStatusStore(clients, null, new CompactedTopic("stop-status", 1, (short) 1),
                Duration.ofSeconds(10));
        Map<String, String> props = new HashMap<>(TestWorkers.workerProps());
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("task.shutdown.graceful.timeout.ms", Long.toString(GRACEFUL_MS));
        WorkerConfig config = new WorkerConfig(props);
        Plugins plugins = new Plugins(List.of(), "only_scan");
        Worker worker = null;
        try {
            statuses.start();
            worker = new Worker("test-worker", config, broker.bootstrapServers(), plugins,
                    new ConfigProviders(config, plugins), new MemoryOffsetStore(), statuses);
            worker.start();
            String name = TestWorkers.uniqueName("quiet");
            Map<String, String> connector = Map.of("name", name, "connector.class", TestSourceConnector.class.getName(),
                    "tasks.max", "1", "topic", name, "count", "0");
            TestWorkers.MadeTaskConfigs made = new TestWorkers.MadeTaskConfigs();
            worker.startConnector(name, connector, TargetState.STARTED, made);
            ConnectorTaskId id = new ConnectorTaskId(name, 0);
            worker.startTask(new TaskSpec(id, connector, made.next().get(0)), TargetState.STARTED);
            Await.until(() -> statuses.get(id) != null && statuses.get(id).state() == State.RUNNING, WAIT, "the task runs");
            Thread.sleep(8_000); // no status written for longer than metadata.max.idle.ms, and a refresh since
            broker.close();

            try (LogCapture log = LogCapture.open()) {
                long began = System.nanoTime();
                worker.stopTasks(List.of(id)).join();
                long tookMs = (System.nanoTime() - began) / 1_000_000;
                assertEquals(1, log.linesWith("{" + id + "} stopped").size(), String.join("\n", log.lines()));
                assertEquals(List.of(), log.linesWith("did not stop within the graceful shutdown timeout"),
                        "a task that stopped is not cancelled afterwards");
                assertTrue(tookMs < GRACEFUL_MS, "stopped in " + tookMs + " ms, not after the graceful timeout");
                assertEquals(State.UNASSIGNED, statuses.get(id).state(), "its worker answers that it stopped");
            }
        } finally {
            if (worker != null) {
                worker.close();
            }
            statuses.close();
            broker.close();
        }
    }
}
