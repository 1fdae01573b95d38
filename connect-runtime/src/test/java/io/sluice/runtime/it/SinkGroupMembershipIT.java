package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sink tasks are static members of their consumer group (connect-NAME-TASK), so a task's next run has its
 * partitions back at once; a task that no longer exists leaves the group at once too.
 */
class SinkGroupMembershipIT {
    @TempDir
    Path dir;

    @Test
    void sinkWithFewerTasksHasTheRemovedTasksPartitionsBackAtOnce() throws Exception {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        Path output = dir.resolve("sink.txt");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("fewer-tasks"), 2);

        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(), WorkerLauncher.workerProps(
                pluginPath, KafkaTestBroker.uniqueTopic("membership-cluster"), "offset.flush.interval.ms", "200"));
             Admin admin = KafkaTestBroker.admin()) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("sink", sink(output, topic, "2")).status());
            Await.until(() -> members(admin, "connect-sink").equals(Set.of("connect-sink-0", "connect-sink-1")),
                    Duration.ofSeconds(60), "both tasks are static members of the group");
            produceToBothPartitions(topic, 0, 20);
            Await.until(() -> lines(output).size() >= 20, Duration.ofSeconds(60), "both tasks write");

            assertEquals(200, rest.put("/connectors/sink/config", sink(output, topic, "1")).status());
            // the removed task leaves at once, not after its member's session timeout (45 s); checked before the next
            // records, which the two old tasks, still running a moment after the PUT, could otherwise write themselves
            Await.until(() -> members(admin, "connect-sink").equals(Set.of("connect-sink-0")), Duration.ofSeconds(15),
                    "only task 0 is a member of the group; log:\n" + worker.tail());
            produceToBothPartitions(topic, 20, 40);
            Await.until(() -> lines(output).containsAll(WorkerRestartIT.lines(0, 40)), Duration.ofSeconds(15),
                    "the one task left writes both partitions' records; log:\n" + worker.tail());
        }
    }

    private static Map<String, String> sink(Path output, String topic, String tasks) {
        return Map.of("connector.class", "FileStreamSink", "file", output.toString(), "topics", topic,
                "tasks.max", tasks);
    }

    private static void produceToBothPartitions(String topic, int from, int to) {
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (String line : WorkerRestartIT.lines(from, to)) {
            records.add(new AbstractMap.SimpleEntry<>(line, line)); // keys spread the lines over the partitions
        }
        KafkaTestBroker.produce(topic, records);
    }

    /** The group's static members (their group.instance.id), or an empty set while it has none. */
    private static Set<String> members(Admin admin, String group) {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            return description.members().stream().map(MemberDescription::groupInstanceId)
                    .flatMap(java.util.Optional::stream).collect(Collectors.toSet());
        } catch (Exception e) {
            return Set.of();
        }
    }

    private static Set<String> lines(Path file) {
        try {
            return Files.exists(file) ? new HashSet<>(Files.readAllLines(file)) : Set.of();
        } catch (IOException e) {
            return Set.of();
        }
    }
}
