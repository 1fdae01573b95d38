package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.testing.KafkaTestBroker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Builds workers on the shared test broker with in-memory offset and status stores. */
public final class TestWorkers {
    private TestWorkers() {
    }

    public static Map<String, String> workerProps() {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("offset.flush.interval.ms", "100");
        props.put("task.shutdown.graceful.timeout.ms", "10000");
        return props;
    }

    public static Worker worker(MemoryOffsetStore offsets, MemoryStatusStore statuses) {
        return worker(offsets, statuses, Map.of());
    }

    /** A worker with extra worker properties. */
    public static Worker worker(MemoryOffsetStore offsets, MemoryStatusStore statuses, Map<String, String> extra) {
        Map<String, String> props = workerProps();
        props.putAll(extra);
        WorkerConfig config = new WorkerConfig(props);
        Plugins plugins = new Plugins(List.of(), "only_scan");
        Worker worker = new Worker("test-worker", config, KafkaTestBroker.bootstrapServers(), plugins,
                new ConfigProviders(config, plugins), offsets, statuses);
        worker.start();
        return worker;
    }

    /** Collects the task configs a connector hands over, for tests that start its tasks themselves. */
    static final class MadeTaskConfigs implements ConnectorEvents {
        private final LinkedBlockingQueue<List<Map<String, String>>> made = new LinkedBlockingQueue<>();

        @Override
        public void onTaskConfigs(String connector, long run, List<Map<String, String>> taskConfigs) {
            made.add(taskConfigs);
        }

        /** The next task configs the connector makes, waiting for them up to 60 s. */
        List<Map<String, String>> next() {
            try {
                List<Map<String, String>> next = made.poll(60, TimeUnit.SECONDS);
                if (next == null) {
                    throw new AssertionError("The connector made no task configs within 60 s");
                }
                return next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** Whether the connector made task configs that were not taken with next() yet. */
        boolean any() {
            return !made.isEmpty();
        }
    }

    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * The worker's threads still alive, after giving them up to 5 s to end: an executor reports itself
     * terminated from its last thread, a moment before that thread is gone.
     */
    static List<String> workerThreads() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> alive = aliveWorkerThreads();
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            alive = aliveWorkerThreads();
        }
        return alive;
    }

    private static List<String> aliveWorkerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("sluice-task-") || n.startsWith("sluice-connector-")
                        || n.startsWith("sluice-source-offset-committer"))
                .toList();
    }
}
