package io.sluice.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A distributed cluster of Sluice workers, each a separate JVM ({@link WorkerLauncher}) on the test broker, for
 * tests that add, stop (SIGTERM) or kill (SIGKILL) members. Members are numbered in the order they joined; one that
 * left is no longer counted, so index 0 is always a live worker to ask.
 */
public final class LaunchedCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path pluginPath;
    private final String group;
    private final String[] workerProps;
    /** Every worker started, to kill at the end and for the logs of a failure. */
    private final List<WorkerLauncher> launched = new ArrayList<>();
    private final List<WorkerLauncher> members = new ArrayList<>();
    private final List<RestClient> workers = new ArrayList<>();

    /** A cluster named group whose workers live under dir, with these key/value pairs beside the test defaults. */
    public LaunchedCluster(Path dir, Path pluginPath, String group, String... workerProps) {
        this.dir = dir;
        this.pluginPath = pluginPath;
        this.group = group;
        this.workerProps = workerProps;
    }

    /** Starts one more worker and returns its REST client once it answers (it joins the group in the background). */
    public RestClient add() {
        int n = launched.size();
        Path workDir;
        try {
            workDir = Files.createDirectories(dir.resolve("worker-" + n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        WorkerLauncher launcher = new WorkerLauncher(workDir, WorkerLauncher.freePort(),
                WorkerLauncher.workerProps(pluginPath, group, workerProps)).distributed();
        launched.add(launcher);
        RestClient client = launcher.start();
        members.add(launcher);
        workers.add(client);
        return client;
    }

    /** The REST clients of the members, in the order they joined. */
    public List<RestClient> workers() {
        return Collections.unmodifiableList(workers);
    }

    public RestClient worker(int index) {
        return workers.get(index);
    }

    /** A member's worker id, as statuses name it: host:port of its REST listener. */
    public String workerId(int index) {
        return members.get(index).restUrl().getAuthority();
    }

    /** Everything a member logged so far. */
    public String logText(int index) {
        return members.get(index).logText();
    }

    /** Which member a worker id names. */
    public int indexOf(String workerId) {
        for (int i = 0; i < members.size(); i++) {
            if (workerId(i).equals(workerId)) {
                return i;
            }
        }
        throw new AssertionError("No member " + workerId + " in " + members.stream().map(m -> m.restUrl()).toList());
    }

    /** Stops a member with SIGTERM, waits for it to exit, and returns its exit code (143 for a clean exit). */
    public int stop(int index) {
        WorkerLauncher member = leave(index);
        member.stop();
        return member.exitCode();
    }

    /** Freezes a member (SIGSTOP) or lets it go on (SIGCONT); it stays a member of this list. */
    public void freeze(int index, boolean frozen) {
        members.get(index).freeze(frozen);
    }

    /** Kills a member with SIGKILL: it gets no chance to leave the group or write anything. */
    public void kill(int index) {
        leave(index).kill();
    }

    private WorkerLauncher leave(int index) {
        workers.remove(index);
        return members.remove(index);
    }

    /**
     * The states task {@code task} of the connector went through, oldest first, each as STATE@worker_id, read from
     * the status topic (Apache's format) as any Kafka tool would read it.
     */
    public List<String> taskStatusHistory(String connector, int task) {
        String key = "status-task-" + connector + "-" + task;
        List<String> history = new ArrayList<>();
        for (var record : KafkaTestBroker.consumeToEnd(group + "-status")) {
            if (key.equals(record.key()) && record.value() != null) {
                JsonNode value = parse(record.value());
                history.add(value.path("state").asText() + "@" + value.path("worker_id").asText());
            }
        }
        return history;
    }

    /** {@link Await#until}, with every worker's last log lines in the failure. */
    public void await(BooleanSupplier condition, Duration timeout, String message) {
        try {
            Await.until(condition, timeout, message);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + logs(), e);
        }
    }

    /** The last log lines of every worker ever started. */
    public String logs() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < launched.size(); i++) {
            out.append("\n--- worker ").append(i).append(" ---\n").append(launched.get(i).tail());
        }
        return out.toString();
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        launched.forEach(WorkerLauncher::kill);
    }
}
