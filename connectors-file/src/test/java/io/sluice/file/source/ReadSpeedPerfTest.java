package io.sluice.file.source;

import io.sluice.runtime.testing.RecordingSourceContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("perf")
class ReadSpeedPerfTest {
    @TempDir
    Path dir;

    @Test
    void taskAlone() throws Exception {
        Path input = dir.resolve("in.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1_000_000; i++) {
            lines.add(("line-" + i + " the quick brown fox jumps over the lazy dog and keeps running far away xxxxxxxxxxxxxxxxxxxxxxx").substring(0, 100));
        }
        Files.write(input, lines);
        for (int round = 0; round < 3; round++) {
            FileSourceTask task = new FileSourceTask();
            task.initialize(new RecordingSourceContext());
            task.start(Map.of("file", input.toString(), "topic", "t"));
            long t0 = System.nanoTime();
            long n = 0;
            while (n < 1_000_000) {
                List<SourceRecord> batch = task.poll();
                if (batch != null) n += batch.size();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("PERF task alone: %d records in %.3f s = %.0f records/s%n", n, s, n / s);
            task.stop();
        }
    }
}
