package io.sluice.file.it;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.TestPlugins;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Throwaway: our file source vs Apache's FileStreamSource on 1M lines of ~100 bytes. */
@Tag("perf")
class FilePerfIT {
    @TempDir
    Path dir;

    @Test
    void compare() throws Exception {
        int n = 1_000_000;
        Path input = dir.resolve("input.txt");
        try (BufferedWriter w = Files.newBufferedWriter(input)) {
            for (int i = 0; i < n; i++) {
                String s = "line-" + i + " the quick brown fox jumps over the lazy dog and keeps running far away ";
                w.write(s, 0, Math.min(s.length(), 100));
                w.write(String.format("%-" + Math.max(0, 100 - s.length()) + "s", "").replace(' ', 'x'));
                w.newLine();
            }
        }
        long inputBytes = Files.size(input);
        Path pluginPath = FileConnectorsITSupport.pluginPath(dir);
        TestPlugins.install(Path.of(System.getProperty("user.home"),
                ".m2/repository/org/apache/kafka/connect-file/4.3.1/connect-file-4.3.1.jar"), pluginPath.resolve("connect-file"));
        try (TestWorker worker = FileConnectorsITSupport.inJvmWorker(pluginPath).with("offset.flush.interval.ms", "1000")
                .start()) {
            RestClient rest = worker.rest();
            String mode = System.getProperty("perf.mode", "all");
            for (int round = 0; round < 2; round++) {
                if (!mode.equals("pipeline")) {
                    source(rest, "apache-src-" + round, Map.of("connector.class", "FileStreamSource", "file", input.toString()), n);
                    source(rest, "sluice-src-" + round, Map.of("connector.class", "io.sluice.file.source.FileSourceConnector", "file", input.toString()), n);
                }
                if (!mode.equals("source")) {
                    pipeline(rest, "apache-pipe-" + round, Map.of("connector.class", "FileStreamSource", "file", input.toString()),
                            "FileStreamSink", "file", dir.resolve("apache-out-" + round + ".txt"), inputBytes);
                    pipeline(rest, "sluice-pipe-" + round, Map.of("connector.class", "io.sluice.file.source.FileSourceConnector", "file", input.toString()),
                            "io.sluice.file.sink.FileSinkConnector", "output.path", dir.resolve("sluice-out-" + round), inputBytes);
                }
            }
        }
    }

    private void source(RestClient rest, String name, Map<String, String> config, int n) {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic(name), 1);
        Map<String, String> c = new HashMap<>(config);
        c.put("topic", topic);
        long t0 = System.nanoTime();
        rest.createConnector(name, c);
        Await.until(() -> endOffset(topic) >= n, Duration.ofSeconds(300), name);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("PERF %s: %d records in %.2f s = %.0f records/s%n", name, n, s, n / s);
        rest.delete("/connectors/" + name);
    }

    private void pipeline(RestClient rest, String name, Map<String, String> source, String sinkClass, String outKey,
                          Path out, long bytes) {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic(name), 1);
        Map<String, String> c = new HashMap<>(source);
        c.put("topic", topic);
        long t0 = System.nanoTime();
        rest.createConnector(name + "-sink", Map.of("connector.class", sinkClass, outKey, out.toString(), "topics", topic));
        rest.createConnector(name, c);
        Await.until(() -> size(out) >= bytes, Duration.ofSeconds(300), name);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("PERF %s: %d bytes end to end in %.2f s = %.0f records/s%n", name, bytes, s, 1_000_000 / s);
        rest.delete("/connectors/" + name);
        rest.delete("/connectors/" + name + "-sink");
    }

    private static long size(Path p) {
        try {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    long total = 0;
                    for (Path f : (Iterable<Path>) s::iterator) {
                        if (!f.toString().endsWith(".checkpoint") && !f.toString().endsWith(".tmp")) {
                            try {
                                total += Files.size(f);
                            } catch (IOException gone) {
                                return 0;
                            }
                        }
                    }
                    return total;
                }
            }
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static long endOffset(String topic) {
        try (Admin admin = KafkaTestBroker.admin()) {
            TopicPartition tp = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
        } catch (Exception e) {
            return 0;
        }
    }
}
