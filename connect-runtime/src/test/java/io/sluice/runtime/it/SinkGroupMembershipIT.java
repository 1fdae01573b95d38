package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
        Path output = dir.resolve("sink.txt");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("fewer-tasks"), 2);

        try (WorkerLauncher worker = worker("membership-cluster"); Admin admin = KafkaTestBroker.admin()) {
            RestClient rest = worker.start();
            runSink(rest, admin, "sink", output, topic, Set.of("connect-sink-0", "connect-sink-1"));

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

    @Test
    void aSinkTaskFencedByACopyOfItselfRejoinsKeepsRunningAndWritesEveryRecord() throws Exception {
        Path output = dir.resolve("fenced.txt");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("fenced"), 2);

        try (WorkerLauncher worker = worker("fenced-cluster"); Admin admin = KafkaTestBroker.admin()) {
            RestClient rest = worker.start();
            runSink(rest, admin, "fenced", output, topic, Set.of("connect-fenced-0"));

            // the task's copy on a worker back from a freeze: it joins as the task's static member, which fences the
            // task's consumer, holds the partitions while records arrive, and is fenced in turn once the task rejoins
            try (KafkaConsumer<byte[], byte[]> copy = copyOfTheTasksConsumer("connect-fenced", "connect-fenced-0")) {
                copy.subscribe(List.of(topic));
                Await.until(() -> !pollUntilFenced(copy) && !copy.assignment().isEmpty(), Duration.ofSeconds(60),
                        "the copy holds the task's partitions");
                produceToBothPartitions(topic, 20, 40);
                Await.until(() -> pollUntilFenced(copy), Duration.ofSeconds(60),
                        "the task rejoined and fenced its copy; log:\n" + worker.tail());
            }
            assertTrue(worker.logText().contains("was fenced by another consumer with its group.instance.id"),
                    worker.tail());
            produceToBothPartitions(topic, 40, 60);
            Await.until(() -> lines(output).containsAll(WorkerRestartIT.lines(0, 60)), Duration.ofSeconds(60),
                    "every record, also those that arrived while the copy held the partitions; log:\n" + worker.tail());
            RestClient.Response status = rest.get("/connectors/fenced/status");
            assertEquals("RUNNING", status.body().path("tasks").get(0).path("state").asText(), status.raw());
            assertEquals(Set.of("connect-fenced-0"), members(admin, "connect-fenced"));
        }
    }

    /** A worker (not started yet) of a cluster of its own, with Apache's connect-file on its plugin path. */
    /**
     * Creates a sink of as many tasks as {@code members} names, waits until those are its group's static members, and
     * until the records 0-19 of both partitions are written.
     */
    private static void runSink(RestClient rest, Admin admin, String name, Path output, String topic,
                                Set<String> members) throws Exception {
        assertEquals(201, rest.createConnector(name, sink(output, topic, Integer.toString(members.size()))).status());
        Await.until(() -> members(admin, "connect-" + name).equals(members), Duration.ofSeconds(60),
                "the tasks " + members + " are the static members of the group");
        produceToBothPartitions(topic, 0, 20);
        Await.until(() -> lines(output).size() >= 20, Duration.ofSeconds(60), "the tasks write");
    }

    private WorkerLauncher worker(String cluster) {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        return new WorkerLauncher(dir, WorkerLauncher.freePort(), WorkerLauncher.workerProps(
                pluginPath, KafkaTestBroker.uniqueTopic(cluster), "offset.flush.interval.ms", "200"));
    }

    /** A consumer of the group with the task's group.instance.id that commits nothing, as the task's copy. */
    private static KafkaConsumer<byte[], byte[]> copyOfTheTasksConsumer(String group, String instance) {
        Map<String, Object> props = new HashMap<>(KafkaTestBroker.clientConfig());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Polls the copy once (what it reads is dropped: the copy never puts); true once it was fenced. */
    private static boolean pollUntilFenced(KafkaConsumer<byte[], byte[]> copy) {
        try {
            copy.poll(Duration.ofMillis(200));
            return false;
        } catch (FencedInstanceIdException e) {
            return true;
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
