package io.sluice.file.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file sink in a worker JVM, per partition and per connector: rotation by count, exactly once across a SIGKILL. */
class FileSinkIT {

    @TempDir
    Path dir;

    @Test
    void killedAndRestartedSinkWritesEveryRecordExactlyOnce() throws IOException {
        List<Path> finished = killAndRestart("sink", 2, Map.of("flush.size", "7000"));
        for (Path f : finished) {
            String name = f.getFileName().toString();
            String[] parts = name.substring(0, name.length() - 4).split("-");
            long first = Long.parseLong(parts[parts.length - 2]);
            long last = Long.parseLong(parts[parts.length - 1]);
            assertEquals(last - first + 1, Files.readAllLines(f).size(), "file " + name + " holds its offset range");
            assertTrue(last - first + 1 <= 7000, "rotated at flush.size");
        }
    }

    @Test
    void killedAndRestartedConnectorModeSinkWithTwoTasksWritesEveryRecordExactlyOnce() throws IOException {
        List<Path> finished = killAndRestart("stream-sink", 3, Map.of("tasks.max", "2", "output.mode", "connector",
                "flush.size", "9000"));
        for (Path f : finished) {
            assertTrue(f.getFileName().toString().matches("stream-sink-[01]-\\d{10}\\.txt"), f.toString());
            assertEquals(9000, Files.readAllLines(f).size(), "rotated at flush.size: " + f.getFileName());
        }
    }

    /**
     * Runs a sink over 300,000 records, SIGKILLs its worker once files have rotated, restarts it and checks that
     * every record is in the files exactly once; returns the finished files.
     */
    private List<Path> killAndRestart(String connector, int partitions, Map<String, String> config) throws IOException {
        String topic = KafkaTestBroker.uniqueTopic(connector);
        KafkaTestBroker.createTopic(topic, partitions);
        int total = 300_000;
        List<Map.Entry<String, String>> records = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            records.add(new AbstractMap.SimpleEntry<>("k" + (i % 97), "value-" + i + " lorem ipsum dolor sit amet"));
        }
        KafkaTestBroker.produce(topic, records);
        Path out = dir.resolve("out");
        try (WorkerLauncher worker = FileConnectorsITSupport.worker(dir, connector + "-cluster")) {
            RestClient rest = worker.start();
            Map<String, String> props = new HashMap<>(config);
            props.put("connector.class", "io.sluice.file.sink.FileSinkConnector");
            props.put("topics", topic);
            props.put("output.path", out.toString());
            // the killed worker's group member is dropped after this, not Kafka's default 45 s
            props.put("consumer.override.session.timeout.ms", "6000");
            assertEquals(201, rest.createConnector(connector, props).status());
            Await.until(() -> finishedFiles(out).size() >= 4, Duration.ofSeconds(60), "some files rotated");
            worker.kill();
            int beforeRestart = allLines(out).size();

            worker.start();
            Await.until(() -> allLines(out).size() >= total, Duration.ofSeconds(120),
                    "every record written; log:\n" + worker.tail());
            int tasks = Integer.parseInt(config.getOrDefault("tasks.max", "1"));
            Await.until(() -> "RUNNING".equals(rest.taskState(connector, tasks - 1)), Duration.ofSeconds(10),
                    "tasks running");
            List<String> lines = allLines(out);
            assertEquals(total, lines.size(), "no record written twice (killed with " + beforeRestart + " lines on disk)");
            List<String> expected = new ArrayList<>();
            records.forEach(r -> expected.add(r.getValue()));
            assertEquals(new HashSet<>(expected), new HashSet<>(lines), "no record missing");
            return finishedFiles(out);
        }
    }

    static List<Path> finishedFiles(Path out) {
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(out)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of every data file (finished and open), listed again if a rotation renamed one meanwhile. */
    static List<String> allLines(Path out) {
        while (true) {
            try {
                return listLines(out);
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
                    throw e;
                }
            }
        }
    }

    private static List<String> listLines(Path out) {
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(".txt") || name.endsWith(".inprogress")) {
                    lines.addAll(Files.readAllLines(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }
}
