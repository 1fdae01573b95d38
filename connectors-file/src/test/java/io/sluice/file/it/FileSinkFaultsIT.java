package io.sluice.file.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file sink when its output directory stops taking writes mid-run, as a user met it: flush.size=1000 on a
 * topic still being written, the directory made immutable or the disk full, the task FAILED, the directory
 * mended and the task restarted: the files then hold every record of the topic exactly once.
 * Needs root (chattr, mount); skipped otherwise.
 */
class FileSinkFaultsIT {

    private static final int TOTAL = 30_000;

    @TempDir
    Path dir;

    /** A step done to the output directory with a system command. */
    private interface DirCommand {
        void run(Path out) throws IOException;
    }

    @Test
    void anOutputDirectoryMadeImmutableMidRunThenMendedLosesNoRecordAfterTheTaskIsRestarted() throws Exception {
        assumeRoot();
        Path out = Files.createDirectories(dir.resolve("out"));
        try {
            faultThenRestart("immutable-sink", out, 100, o -> sh("chattr", "+i", o.toString()),
                    o -> sh("chattr", "-i", o.toString()));
        } finally {
            sh("chattr", "-i", out.toString());
        }
    }

    @Test
    void aFullDiskMidRunThenGrownLosesNoRecordAfterTheTaskIsRestarted() throws Exception {
        assumeRoot();
        Path out = Files.createDirectories(dir.resolve("out"));
        // 30,000 records of ~250 bytes do not fit in 5 MiB: the disk fills up while the sink runs
        sh("mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", out.toString());
        try {
            faultThenRestart("full-disk-sink", out, 250, o -> { }, o -> sh("mount", "-o", "remount,size=64m", o.toString()));
        } finally {
            sh("umount", out.toString());
        }
    }

    /**
     * The tester's story: the disk fills up, the operator ships the finished files away (they are final) to free
     * space and restarts the task, as often as it fails. The checkpoint still described a file finished since, so
     * the restart took the new open file for it, padded it with NUL bytes and wrote records again.
     */
    @Test
    void aSinkRestartedAfterADiskFullFailureWhoseFinishedFilesWereShippedAwayWritesEveryRecordOnceInOrder()
            throws Exception {
        assumeRoot();
        Path out = Files.createDirectories(dir.resolve("out"));
        Path shipped = Files.createDirectories(dir.resolve("shipped"));
        sh("mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", out.toString());
        String connector = "shipping-sink";
        try {
            String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic(connector), 1);
            try (WorkerLauncher worker = worker(connector)) {
                RestClient rest = worker.start();
                Thread producer = runSink(rest, connector, topic, out, 250);
                int[] restarts = {0};
                try {
                    Await.until(() -> {
                        if ("FAILED".equals(rest.taskState(connector, 0))) {
                            shipFinishedFiles(out, shipped);
                            assertEquals(204, rest.post("/connectors/" + connector + "/tasks/0/restart", null).status());
                            restarts[0]++;
                        }
                        return KafkaTestBroker.committedOffset("connect-" + connector, new TopicPartition(topic, 0)) == TOTAL;
                    }, Duration.ofMinutes(5), () -> "every record committed; log:\n" + worker.tail());
                } finally {
                    producer.join(TimeUnit.MINUTES.toMillis(2));
                }
                assertTrue(restarts[0] > 0, "the disk filled up at least once");

                List<String> expected = FileConnectorsITSupport.allValues(topic, TOTAL, Duration.ofSeconds(60),
                        Duration.ofSeconds(1));
                List<String> written = linesInOffsetOrder(shipped, out);
                int firstDifference = java.util.stream.IntStream.range(0, Math.min(expected.size(), written.size()))
                        .filter(i -> !expected.get(i).equals(written.get(i))).findFirst().orElse(-1);
                assertTrue(expected.equals(written), "every record once, in order, nothing else: " + written.size()
                        + " lines for " + expected.size() + " records, first difference at line " + firstDifference);
            }
        } finally {
            sh("umount", out.toString());
        }
    }

    private static void shipFinishedFiles(Path out, Path shipped) {
        for (Path p : FileSinkIT.finishedFiles(out)) {
            try {
                Files.move(p, shipped.resolve(p.getFileName()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** The lines of the data files of both directories, finished files by their offsets, the open file last. */
    private static List<String> linesInOffsetOrder(Path... dirs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path d : dirs) {
            try (var list = Files.list(d)) {
                list.filter(p -> p.getFileName().toString().endsWith(".txt")
                        || p.getFileName().toString().endsWith(".inprogress")).forEach(files::add);
            }
        }
        files.sort(java.util.Comparator.comparing(p -> p.getFileName().toString())); // '-' sorts before '.inprogress'
        List<String> lines = new ArrayList<>();
        for (Path p : files) {
            lines.addAll(Files.readAllLines(p));
        }
        return lines;
    }

    /**
     * Runs the sink (flush.size=1000) while 30,000 records are produced, breaks the directory once some files
     * rotated (or lets the records break it), waits for the task to fail, mends the directory, restarts the task
     * and compares the files with the topic.
     */
    private void faultThenRestart(String connector, Path out, int valueBytes, DirCommand breakIt, DirCommand mend)
            throws Exception {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic(connector), 1);
        try (WorkerLauncher worker = worker(connector)) {
            RestClient rest = worker.start();
            Thread producer = runSink(rest, connector, topic, out, valueBytes);
            try {
                // break it while a file is in progress, so the failing step is that file's rotation (its rename)
                Await.until(() -> FileSinkIT.finishedFiles(out).size() >= 3 && inProgressBytes(out) > 0,
                        Duration.ofSeconds(60), "some files rotated, the next one in progress; log:\n" + worker.tail());
                breakIt.run(out);
                Await.until(() -> "FAILED".equals(rest.taskState(connector, 0)), Duration.ofSeconds(60),
                        "the task fails on the unwritable directory; log:\n" + worker.tail());
            } finally {
                producer.join(TimeUnit.MINUTES.toMillis(2));
            }
            String trace = rest.get("/connectors/" + connector + "/status").body().get("tasks").get(0)
                    .get("trace").asText();
            assertTrue(trace.contains(out.toString()), "the failure names the directory: " + trace);

            mend.run(out);
            assertEquals(204, rest.post("/connectors/" + connector + "/tasks/0/restart", null).status());
            Await.until(() -> KafkaTestBroker.committedOffset("connect-" + connector, new TopicPartition(topic, 0)) == TOTAL,
                    Duration.ofSeconds(120), "every record committed after the restart; log:\n" + worker.tail());

            List<String> expected = FileConnectorsITSupport.allValues(topic, TOTAL, Duration.ofSeconds(60),
                    Duration.ofSeconds(1));
            List<String> written = new ArrayList<>(FileSinkIT.allLines(out));
            expected.sort(null);
            written.sort(null);
            assertEquals(TOTAL, expected.size());
            assertEquals(expected.size(), written.size(), "the files hold as many lines as the topic has records");
            assertEquals(expected, written, "every record exactly once");
        }
    }

    private WorkerLauncher worker(String connector) {
        Map<String, String> workerProps = FileConnectorsITSupport.workerProps(FileConnectorsITSupport.pluginPath(dir),
                KafkaTestBroker.uniqueTopic(connector + "-cluster"));
        // config/standalone.properties' commit interval: the first poll after a restart then returns records
        workerProps.put("offset.flush.interval.ms", "10000");
        return new WorkerLauncher(dir, WorkerLauncher.freePort(), workerProps);
    }

    /** Creates the sink (flush.size=1000), waits for it to run, then starts producing 30,000 records into topic. */
    private static Thread runSink(RestClient rest, String connector, String topic, Path out, int valueBytes) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", "io.sluice.file.sink.FileSinkConnector");
        props.put("topics", topic);
        props.put("output.path", out.toString());
        props.put("flush.size", "1000");
        assertEquals(201, rest.createConnector(connector, props).status());
        Await.until(() -> "RUNNING".equals(rest.taskState(connector, 0)), Duration.ofSeconds(60), "sink running");
        return KafkaTestBroker.produceLive(topic, TOTAL, 500, 100, i -> {
            String value = "record-" + i + "-";
            return Map.entry("k" + i, value + "x".repeat(Math.max(0, valueBytes - value.length())));
        });
    }

    private static long inProgressBytes(Path out) {
        try (var files = Files.list(out)) {
            long bytes = 0;
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().endsWith(".inprogress")) {
                    bytes += Files.size(p);
                }
            }
            return bytes;
        } catch (IOException e) {
            return 0; // renamed or removed while listed: look again
        }
    }

    /**
     * The tester's story: validation answered error_count 0 for output.path /proc/x, then the task failed at start
     * with "Cannot prepare the output directory /proc/x". Validation now does what the task will do.
     */
    @Test
    void validationRefusesAnOutputDirectoryTheTaskCouldNotCreateAndLeavesNothingBehind() throws Exception {
        Path immutable = Files.createDirectories(dir.resolve("immutable"));
        Path creatable = dir.resolve("new/nested/out");
        try (TestWorker worker = FileConnectorsITSupport.inJvmWorker(FileConnectorsITSupport.pluginPath(dir)).start()) {
            RestClient rest = worker.rest();
            assertEquals(List.of("/proc/x cannot be created: the file system there refuses new entries"),
                    outputPathErrors(rest, "/proc/x"));
            if ("root".equals(System.getProperty("user.name"))) {
                sh("chattr", "+i", immutable.toString());
                try {
                    assertEquals(List.of(immutable + " takes no new files here: Operation not permitted"),
                            outputPathErrors(rest, immutable.toString()));
                    assertEquals(1, outputPathErrors(rest, immutable.resolve("out").toString()).size());
                } finally {
                    sh("chattr", "-i", immutable.toString());
                }
            }
            assertEquals(List.of(), outputPathErrors(rest, creatable.toString()));
            assertEquals(List.of(), outputPathErrors(rest, immutable.toString()), "mended");
        }
        assertTrue(!Files.exists(dir.resolve("new")), "the check removed the directories it made");
        try (java.util.stream.Stream<Path> left = Files.list(immutable)) {
            assertEquals(0, left.count(), "the check removed its probe file");
        }
    }

    private static List<String> outputPathErrors(RestClient rest, String outputPath) {
        RestClient.Response validated = rest.put("/connector-plugins/FileSinkConnector/config/validate", Map.of(
                "connector.class", "FileSinkConnector", "name", "validated", "topics", "t", "output.path", outputPath));
        assertEquals(200, validated.status(), validated.raw());
        List<String> errors = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode config : validated.body().path("configs")) {
            if ("output.path".equals(config.path("value").path("name").asText())) {
                config.path("value").path("errors").forEach(e -> errors.add(e.asText()));
            }
        }
        assertEquals(errors.size(), validated.body().path("error_count").asInt(), validated.raw());
        return errors;
    }

    private static void assumeRoot() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to make a directory immutable (chattr +i) and to mount a small tmpfs");
    }

    private static void sh(String... command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }
}
