package io.sluice.jdbc.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.jdbc.testing.Topics;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC source across worker restarts, as a user runs it: real worker processes stopped with SIGTERM or
 * killed with SIGKILL while a table is loaded, and an offsets topic written by an earlier version (whose partition
 * key order differed between JVMs). Every row arrives; a clean stop re-reads nothing; a kill re-reads at most the
 * rows sent within the last offset flush interval, whose offsets were not committed yet.
 */
class SourceRestartsIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("restarts");

    private static final int ROWS = 100_000;
    private static final int CHUNK = 1_000;
    private static final long FLUSH_MS = 1_000;
    /** A commit starts every FLUSH_MS and takes its own time, longer on a loaded machine. */
    private static final long COMMIT_SLACK_MS = 2_000;
    /** The worker's offset.flush.timeout.ms and task.shutdown.graceful.timeout.ms (see the test). */
    private static final long STOP_TIMEOUT_MS = 30_000;
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    @TempDir
    Path dir;

    /** One record of the topic as the test reads it back. */
    private record Emitted(long offset, long timestamp, long id) {
    }

    private enum Stop { SIGTERM, SIGKILL }

    @Test
    void aSourceRestartedFiveTimesDuringAndAfterALoadReReadsNothingAfterACleanStopAndOneFlushIntervalAfterAKill()
            throws IOException {
        db.execute("CREATE TABLE load (id bigserial primary key, payload text NOT NULL)");
        String prefix = KafkaTestBroker.uniqueTopic("restarts") + "-";
        String topic = KafkaTestBroker.createTopic(prefix + "load", 1);
        Map<String, String> config = connector(prefix);
        config.put("table.include.list", "public.load");
        // a clean stop commits every offset only if the records' acknowledgements come within offset.flush.timeout.ms
        // and the task stops within task.shutdown.graceful.timeout.ms (5 s each by default, as in Apache: past them
        // the rows are read again, at least once); on this shared machine a stall can pass 5 s, so the test gives
        // both the time a loaded CI machine needs: what it proves is that within them nothing is read twice
        Map<String, String> workerConfig = TestWorkers.worker(dir).with("listeners", null)
                .with("offset.flush.interval.ms", String.valueOf(FLUSH_MS))
                .with("offset.flush.timeout.ms", String.valueOf(STOP_TIMEOUT_MS))
                .with("task.shutdown.graceful.timeout.ms", String.valueOf(STOP_TIMEOUT_MS)).props();
        AtomicInteger chunks = new AtomicInteger();
        AtomicInteger target = new AtomicInteger();
        ScheduledExecutorService loader = Executors.newSingleThreadScheduledExecutor();
        List<Stop> stops = List.of(Stop.SIGTERM, Stop.SIGKILL, Stop.SIGTERM, Stop.SIGKILL, Stop.SIGTERM);
        List<Long> stoppedAt = new ArrayList<>();
        List<Long> lastSentAt = new ArrayList<>();
        try (WorkerLauncher worker = new WorkerLauncher(Files.createDirectories(dir.resolve("worker")),
                WorkerLauncher.freePort(), workerConfig)) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("restarted-source", config).status());
            // a chunk of 1,000 rows every 250 ms up to the target: the first three stops each come while a quarter
            // of the load is being written and read, the last two after the whole load was read
            loader.scheduleAtFixedRate(() -> {
                if (chunks.get() < target.get()) {
                    db.execute("INSERT INTO load (payload) SELECT 'row ' || g FROM generate_series(1, " + CHUNK + ") g");
                    chunks.incrementAndGet();
                }
            }, 0, 250, TimeUnit.MILLISECONDS);
            for (int i = 0; i < stops.size(); i++) {
                long before = Topics.recordsIn(topic);
                String when = "before stop " + (i + 1) + "; worker log: ";
                if (i < 3) {
                    target.set((i + 1) * ROWS / CHUNK / 4);
                    Await.until(() -> Topics.recordsIn(topic) >= before + 5 * CHUNK, Duration.ofSeconds(120),
                            "rows flowing " + when + worker.tail());
                } else {
                    target.set(ROWS / CHUNK);
                    Await.until(() -> chunks.get() == ROWS / CHUNK && Topics.recordsIn(topic) >= ROWS
                            && distinctIds(read(topic)) == ROWS, Duration.ofSeconds(180),
                            "the whole load read " + when + worker.tail());
                }
                if (stops.get(i) == Stop.SIGTERM) {
                    worker.stop();
                } else {
                    worker.kill();
                }
                List<Emitted> sent = read(topic);
                stoppedAt.add((long) sent.size());
                lastSentAt.add(sent.isEmpty() ? 0 : sent.get(sent.size() - 1).timestamp());
                worker.start();
            }
            Await.until(() -> Topics.recordsIn(topic) >= ROWS && distinctIds(read(topic)) == ROWS,
                    Duration.ofSeconds(180), "every row arrives");
            // the last stops come after the whole load was read, so every row is there before the restarted task
            // runs: asked at once, a slow start (ci-74, a loaded machine) still showed the stop's UNASSIGNED
            Await.until(() -> "RUNNING".equals(rest.taskState("restarted-source", 0)), Duration.ofSeconds(120),
                    () -> "the task runs again after the last restart; worker log: " + worker.tail());
        } finally {
            loader.shutdownNow();
        }

        List<Emitted> all = read(topic);
        String warnings = workerWarnings(dir.resolve("worker"));
        assertEquals(ROWS, distinctIds(all));
        assertEquals(1, all.stream().mapToLong(Emitted::id).min().orElseThrow());
        assertEquals(ROWS, all.stream().mapToLong(Emitted::id).max().orElseThrow(), "no row missing");
        // A row read again is judged by the run that sent it last before: if that run was stopped cleanly, its stop
        // should have committed the row's offset; if it was killed, the row must have been sent within the last
        // flush interval before the kill. (A run started after a kill may itself be stopped cleanly before it has
        // read again everything the killed run had sent: those rows are the kill's, read again by a later run.)
        Map<Long, Integer> lastSent = new HashMap<>();
        List<List<Emitted>> afterCleanStop = new ArrayList<>();
        stops.forEach(stop -> afterCleanStop.add(new ArrayList<>()));
        int[] readAgain = new int[stops.size()];
        for (int k = 0; k < all.size(); k++) {
            Emitted e = all.get(k);
            Integer previous = lastSent.put(e.id(), k);
            int run = runOf(k, stoppedAt);
            if (previous == null || runOf(previous, stoppedAt) == run) {
                continue;
            }
            int sentBy = runOf(previous, stoppedAt);
            readAgain[sentBy]++;
            if (stops.get(sentBy) == Stop.SIGTERM) {
                afterCleanStop.get(sentBy).add(e);
            } else {
                long age = lastSentAt.get(sentBy) - all.get(previous).timestamp();
                assertTrue(age <= FLUSH_MS + COMMIT_SLACK_MS, "row " + e.id() + " was sent " + age + " ms before kill "
                        + (sentBy + 1) + ": its offset should have been committed; " + warnings);
            }
        }
        for (int i = 0; i < stops.size(); i++) {
            System.out.println("stop " + (i + 1) + " (" + stops.get(i) + ") at offset " + stoppedAt.get(i) + ": "
                    + readAgain[i] + " of the rows its run sent were read again");
            List<Emitted> again = afterCleanStop.get(i);
            assertEquals(0, again.size(), "clean stop " + (i + 1) + " committed every offset: nothing its run sent is "
                    + "read again; read again: " + (again.isEmpty() ? "" : again.get(0) + " .. "
                    + again.get(again.size() - 1)) + "; the worker's warnings: " + warnings);
        }
    }

    /** The run that sent the record at this offset: run r ended at stop r + 1, the last run never stopped. */
    private static int runOf(int offset, List<Long> stoppedAt) {
        for (int r = 0; r < stoppedAt.size(); r++) {
            if (offset < stoppedAt.get(r)) {
                return r;
            }
        }
        return stoppedAt.size();
    }

    @Test
    void anOffsetStoredUnderTheOldKeyOrderIsResumedWithoutReadingTheTableAgain() {
        db.execute("CREATE TABLE resume (id bigserial primary key, payload text)",
                "INSERT INTO resume (payload) SELECT 'row ' || g FROM generate_series(1, 1000) g");
        String prefix = KafkaTestBroker.uniqueTopic("resume") + "-";
        String topic = KafkaTestBroker.createTopic(prefix + "resume", 1);
        TestWorker.Builder workerConfig = TestWorkers.worker(dir);
        // a first start creates the worker's topics, as the earlier version's worker had
        workerConfig.start().close();
        // what an earlier version wrote after reading rows 1..600 in a JVM whose Map.of put "table" first
        KafkaTestBroker.produce(workerConfig.props().get("group.id") + "-offsets", List.of(new SimpleEntry<>(
                "[\"old-order-source\",{\"table\":\"public.resume\",\"protocol\":\"1\"}]", "{\"incrementing\":600}")));
        try (TestWorker worker = workerConfig.start()) {
            Map<String, String> config = connector(prefix);
            config.put("table.include.list", "public.resume");
            assertEquals(201, worker.rest().createConnector("old-order-source", config).status());
            Await.until(() -> read(topic).stream().anyMatch(e -> e.id() == 1000), Duration.ofSeconds(60),
                    "the last row arrives");
            List<Emitted> emitted = read(topic);
            assertEquals(601, emitted.get(0).id(), "resumed after the stored offset");
            assertEquals(400, emitted.size(), "rows 601..1000, each once");
        }
    }

    /** The WARN and ERROR lines of the worker's log (all its runs), for failure messages. */
    private static String workerWarnings(Path workerDir) throws IOException {
        Path log = workerDir.resolve("worker.log");
        if (!Files.exists(log)) {
            return "(no worker log)";
        }
        List<String> lines = Files.readAllLines(log).stream()
                .filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")).toList();
        // where each run resumed and what it committed, last at its stop
        List<String> commits = Files.readAllLines(log).stream()
                .filter(line -> line.contains("source task reading") || line.contains("committed")
                        || line.contains("committing")).toList();
        return (lines.isEmpty() ? "none" : String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())))
                + "\nwhere each run resumed and what it committed:\n"
                + String.join("\n", commits.subList(Math.max(0, commits.size() - 200), commits.size()));
    }

    private static Map<String, String> connector(String prefix) {
        return TestWorkers.incrementingSource(db.url(), prefix, "batch.max.rows", "500",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable", "false");
    }

    private static long distinctIds(List<Emitted> emitted) {
        Set<Long> ids = new HashSet<>();
        emitted.forEach(e -> ids.add(e.id()));
        return ids.size();
    }

    /** Every record of the single-partition topic, in offset order. */
    private static List<Emitted> read(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        TopicPartition tp = new TopicPartition(topic, 0);
        List<Emitted> emitted = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    Matcher m = ID.matcher(r.value());
                    if (!m.find()) {
                        throw new AssertionError("no id in " + r.value());
                    }
                    emitted.add(new Emitted(r.offset(), r.timestamp(), Long.parseLong(m.group(1))));
                }
            }
        }
        return emitted;
    }
}
