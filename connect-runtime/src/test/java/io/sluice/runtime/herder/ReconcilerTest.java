package io.sluice.runtime.herder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.TaskStatus;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.worker.MemoryOffsetStore;
import io.sluice.runtime.worker.MemoryStatusStore;
import io.sluice.runtime.worker.TestSourceConnector;
import io.sluice.runtime.worker.TestWorkers;
import io.sluice.runtime.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rules by which a worker runs what the stored configs say ({@link Reconciler}), through the herder of a cluster
 * of one, where the worker owns everything stored: a real worker on the test broker, configs and statuses in memory.
 */
class ReconcilerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final MemoryConfigStore configs = new MemoryConfigStore();
    private final MemoryStatusStore statuses = new MemoryStatusStore();
    private final String name = TestWorkers.uniqueName("reconciled");
    private Worker worker;
    private StandaloneHerder herder;

    @AfterEach
    void stop() {
        if (herder != null) {
            herder.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void storedTasksOfARunningConnectorStartAtOnceWhenTheWorkerStarts() {
        configs.putConnectorConfig(name, connectorConfig(2), TargetState.STARTED);
        configs.putTaskConfigs(name, taskConfigs(connectorConfig(2), 2));
        start(Map.of());
        assertEquals(2, worker.taskIds(name).size(), "started with the herder, before the connector made any");
        awaitTaskStates(State.RUNNING, 2);
    }

    @Test
    void aPausedConnectorRunsItsStoredTasksPaused() {
        configs.putConnectorConfig(name, connectorConfig(2), TargetState.PAUSED);
        configs.putTaskConfigs(name, taskConfigs(connectorConfig(2), 2));
        start(Map.of());
        assertEquals(2, worker.taskIds(name).size());
        awaitTaskStates(State.PAUSED, 2);
        Await.until(() -> statuses.state(name) == State.PAUSED, WAIT, "the connector is paused");
    }

    @Test
    void aStoppedConnectorHasNoTasksAndStartsAgainAsAFreshRun() {
        configs.putConnectorConfig(name, connectorConfig(2), TargetState.STARTED);
        start(Map.of());
        awaitTaskStates(State.RUNNING, 2);

        herder.setTargetState(name, TargetState.STOPPED);
        Await.until(() -> worker.taskIds(name).isEmpty() && configs.snapshot().taskConfigs(name).isEmpty()
                && statuses.state(name) == State.STOPPED, WAIT, "stopped: no tasks run, none stored");
        assertTrue(worker.connectorNames().contains(name), "a stopped connector stays registered");

        herder.setTargetState(name, TargetState.STARTED);
        Await.until(() -> configs.snapshot().taskConfigs(name).size() == 2 && worker.taskIds(name).size() == 2,
                WAIT, "the fresh run made its task configs again and they run");
        awaitTaskStates(State.RUNNING, 2);
    }

    @Test
    void aRestartOfFailedOnesRestartsOnlyWhatFailed() {
        configs.putConnectorConfig(name, connectorConfig(2), TargetState.STARTED);
        start(Map.of());
        awaitTaskStates(State.RUNNING, 2);
        Await.until(() -> statuses.state(name) == State.RUNNING, WAIT, "the connector runs");
        ConnectorTaskId failed = new ConnectorTaskId(name, 1);
        statuses.put(new TaskStatus(failed, State.FAILED, "failed on purpose", "test-worker", 0));
        int before = statuses.taskHistory.size();

        ConnectorStateInfo plan = herder.restartConnector(name, true, true);

        assertEquals("RUNNING", plan.connector().state(), "the connector did not fail: it is not restarted");
        assertEquals(List.of("RUNNING", "RESTARTING"), plan.tasks().stream().map(ConnectorStateInfo.TaskState::state).toList());
        assertEquals(State.RUNNING, statuses.state(name));
        List<TaskStatus> after = new ArrayList<>(statuses.taskHistory.subList(before, statuses.taskHistory.size()));
        assertTrue(after.stream().noneMatch(s -> s.id().task() == 0), "task 0 untouched: " + after);
        assertEquals(State.RESTARTING, after.get(0).state());
        Await.until(() -> statuses.state(failed) == State.RUNNING, WAIT, "the failed task runs again");
    }

    @Test
    void anUpdatedConnectorConfigReachesTheConnectorAndItsTasks() {
        configs.putConnectorConfig(name, connectorConfig(2), TargetState.STARTED);
        start(Map.of());
        awaitTaskStates(State.RUNNING, 2);

        Map<String, String> updated = new HashMap<>(connectorConfig(1));
        herder.putValid(name, updated, true, null);

        Await.until(() -> configs.snapshot().taskConfigs(name).equals(taskConfigs(updated, 1))
                && worker.taskIds(name).equals(java.util.Set.of(new ConnectorTaskId(name, 0))), WAIT,
                () -> "one task, made by the updated connector: " + configs.snapshot().taskConfigs(name)
                        + " running " + worker.taskIds(name));
        assertEquals(TargetState.STARTED, configs.snapshot().targetState(name), "an update keeps the target state");
    }

    @Test
    void fewerTaskConfigsFenceTheRemovedTasksProducersBeforeTheyAreWritten() throws Exception {
        configs.putConnectorConfig(name, connectorConfig(2), TargetState.STOPPED);
        configs.putTaskConfigs(name, taskConfigs(connectorConfig(2), 2));
        List<String> fencedAtWrite = new CopyOnWriteArrayList<>();
        try (Admin admin = KafkaTestBroker.admin()) {
            configs.beforeTaskConfigs((connector, written) -> {
                for (int task = written.size(); task < 2; task++) {
                    String transactionalId = "connect-cluster-" + connector + "-" + task;
                    try { // only a fenced id is known to the broker: these tasks never ran
                        admin.describeTransactions(List.of(transactionalId)).all().get(30, TimeUnit.SECONDS);
                        fencedAtWrite.add(transactionalId);
                    } catch (Exception notFenced) {
                        // left out of the list
                    }
                }
            });
            start(Map.of("exactly.once.source.support", "enabled"));
        }
        assertEquals(List.of(), configs.snapshot().taskConfigs(name), "a stopped connector has no task configs");
        assertEquals(List.of("connect-cluster-" + name + "-0", "connect-cluster-" + name + "-1"), fencedAtWrite);
        assertTrue(worker.taskIds(name).isEmpty(), "a stopped connector's stored tasks do not run");
    }

    @Test
    void aCreateIsAnsweredWhileThePreviousConnectorsTaskConfigsAreStillBeingStoredAndTheyRunOnceStored() {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        configs.holdTaskConfigs(stored);
        start(Map.of());
        herder.putConnectorConfig(name, connectorConfig(2), false, TargetState.STARTED);
        Await.until(() -> worker.connectorNames().contains(name) && statuses.state(name) == State.RUNNING, WAIT,
                "the first connector runs and hands over its task configs");

        assertTrue(createNext(false), "answered although the first connector's task configs are not stored yet");
        assertTrue(worker.taskIds(name).isEmpty(), "tasks run only once their configs are stored");

        stored.complete(null);
        awaitTaskStates(State.RUNNING, 2);
        assertEquals(taskConfigs(connectorConfig(2), 2), configs.snapshot().taskConfigs(name));
    }

    @Test
    void theSameTaskConfigsMadeAgainWhileTheyAreBeingStoredAreWrittenOnceAndHoldNothingUp() {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        configs.holdTaskConfigs(stored);
        AtomicInteger writes = new AtomicInteger();
        configs.beforeTaskConfigs((connector, written) -> {
            if (connector.equals(name)) {
                writes.incrementAndGet();
            }
        });
        start(Map.of());
        herder.putConnectorConfig(name, connectorConfig(2), false, TargetState.STARTED);
        Await.until(() -> writes.get() == 1, WAIT, "the first run's task configs are on their way");

        herder.restartConnector(name, false, false); // a fresh run makes the same configs while they are written
        Await.until(() -> TestSourceConnector.observed(name).taskConfigCalls.get() == 2, WAIT,
                "the second run made its task configs");
        assertTrue(createNext(false),
                "the control thread does not wait for the first write to take the same configs again");

        stored.complete(null);
        awaitTaskStates(State.RUNNING, 2);
        createNext(true); // answered after all that was queued before it
        assertEquals(taskConfigs(connectorConfig(2), 2), configs.snapshot().taskConfigs(name));
        assertEquals(1, writes.get(), "the connector's configs were written once");
    }

    /** Creates (or, allowing it, updates) a second connector of one task; true when it was created. */
    private boolean createNext(boolean allowReplace) {
        Map<String, String> nextConfig = new HashMap<>(connectorConfig(1));
        nextConfig.put("name", name + "-next");
        return herder.putConnectorConfig(name + "-next", nextConfig, allowReplace, TargetState.STARTED).created();
    }

    /**
     * A worker that owns thousands of connectors (at start-up, or after each of a thousand creates) reconciles them in
     * time that grows with their number, not with its square: each reconcile once copied the worker's connector names
     * per connector, and creating a thousand connectors took ManyConnectorsIT about two minutes. Measured as this
     * thread's CPU time, which a busy machine does not stretch; the quadratic reconcile took well over a second here.
     */
    @Test
    void reconcilingThreeThousandStoredConnectorsTakesMillisecondsNotSeconds() {
        int count = 3_000;
        for (int i = 0; i < count; i++) {
            Map<String, String> config = new HashMap<>(connectorConfig(1));
            config.put("name", name + "-" + i);
            configs.putConnectorConfig(name + "-" + i, config, TargetState.STOPPED); // registered only: no threads
        }
        worker = TestWorkers.worker(new MemoryOffsetStore(), statuses, Map.of());
        Reconciler reconciler = new Reconciler("test-worker", worker, configs, statuses, new OwnsAllStored());
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        reconciler.reconcile(configs.snapshot()); // the code paths warmed up, and every connector registered
        assertEquals(count, worker.connectorNames().size());
        worker.removeConnector(name + "-0", Map.of()); // one to start again, as after a create

        long began = cpu.getCurrentThreadCpuTime();
        reconciler.reconcile(configs.snapshot());
        long tookMs = (cpu.getCurrentThreadCpuTime() - began) / 1_000_000;
        assertEquals(count, worker.connectorNames().size());
        assertTrue(tookMs < 250, "a reconcile of " + count + " connectors took " + tookMs + " ms of CPU");
    }

    /** A cluster of one without its herder: it owns every stored connector and task. */
    private static final class OwnsAllStored implements Reconciler.Host {
        @Override
        public java.util.Set<String> ownedConnectors(io.sluice.runtime.storage.ClusterConfigState snapshot) {
            return snapshot.connectorConfigs().keySet();
        }

        @Override
        public java.util.Set<ConnectorTaskId> ownedTasks(io.sluice.runtime.storage.ClusterConfigState snapshot) {
            return java.util.Set.of();
        }

        @Override
        public TargetState target(io.sluice.runtime.storage.ClusterConfigState snapshot, String connector) {
            return snapshot.targetState(connector);
        }

        @Override
        public void releaseHold(String connector) {
        }

        @Override
        public void storeTaskConfigs(String connector, List<Map<String, String>> taskConfigs) {
        }

        @Override
        public void ownershipChanged(String reason) {
        }

        @Override
        public void submit(Runnable change) {
            change.run();
        }
    }

    private void start(Map<String, String> workerProps) {
        worker = TestWorkers.worker(new MemoryOffsetStore(), statuses, workerProps);
        Plugins plugins = new Plugins(List.of(), "only_scan");
        herder = new StandaloneHerder("test-worker", worker.config(), worker, configs, statuses,
                new ConfigProviders(worker.config(), plugins), plugins);
        herder.start();
    }

    private void awaitTaskStates(State state, int tasks) {
        Await.until(() -> {
            for (int task = 0; task < tasks; task++) {
                if (statuses.state(new ConnectorTaskId(name, task)) != state) {
                    return false;
                }
            }
            return true;
        }, WAIT, () -> "tasks of " + name + " " + state + ": " + statuses.tasks(name));
    }

    private Map<String, String> connectorConfig(int tasks) {
        return Map.of("name", name, "connector.class", TestSourceConnector.class.getName(),
                "tasks.max", String.valueOf(tasks), "generate.tasks", String.valueOf(tasks),
                "topic", name, "count", "0");
    }

    /** What TestSourceConnector makes of a config, with the task class the worker adds. */
    private static List<Map<String, String>> taskConfigs(Map<String, String> connectorConfig, int tasks) {
        List<Map<String, String>> made = new ArrayList<>();
        for (int task = 0; task < tasks; task++) {
            Map<String, String> config = new HashMap<>(connectorConfig);
            config.put("task.index", Integer.toString(task));
            config.put("task.class", TestSourceConnector.class.getName() + "$TestSourceTask");
            made.add(config);
        }
        return made;
    }
}
