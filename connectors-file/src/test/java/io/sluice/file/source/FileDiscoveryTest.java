package io.sluice.file.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDiscoveryTest {

    @TempDir
    Path dir;

    @Test
    void aLogAndItsRotatedCopiesBelongToOneTaskWhileOtherFilesSpread() throws IOException {
        for (String name : List.of("app.log", "app.log.1", "app.log.2", "app.3.log", "a.log", "b.log", "c.log",
                "d.log", "e.log", "f.log")) {
            Files.writeString(dir.resolve(name), "x\n");
        }
        FileSourceConfig config = new FileSourceConfig(Map.of("topic", "t", "file", dir + "/*.log*"));
        List<Path> all = new ArrayList<>();
        Set<Integer> tasksWithFiles = new HashSet<>();
        int appTask = -1;
        for (int task = 0; task < 3; task++) {
            List<Path> found = new FileDiscovery(config, task, 3).find();
            all.addAll(found);
            if (!found.isEmpty()) {
                tasksWithFiles.add(task);
            }
            long apps = found.stream().filter(p -> p.getFileName().toString().startsWith("app.")).count();
            if (apps > 0) {
                assertEquals(4, apps, "all of app.log's rotated copies with task " + task);
                appTask = task;
            }
        }
        assertEquals(10, all.size(), "every file with exactly one task");
        assertEquals(10, new HashSet<>(all).size());
        assertEquals(true, appTask >= 0);
        assertEquals(true, tasksWithFiles.size() > 1, "files spread over tasks");
    }
}
