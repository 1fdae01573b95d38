package io.sluice.runtime.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three distributed workers, each serving the registry on one schemas topic: one writes (chosen by Kafka's group
 * protocol), the others forward; registrations through any worker get the same ids everywhere, and a kill -9 of
 * the writer during registrations loses none that was acknowledged.
 */
class DistributedRegistryIT {
    private static final String SCHEMA = "{\"type\":\"record\",\"name\":\"R%d\",\"fields\":[{\"name\":\"f\",\"type\":\"long\"}]}";

    @TempDir
    Path dir;

    private final List<WorkerLauncher> launchers = new ArrayList<>();
    private final List<URI> registries = new ArrayList<>();

    @AfterEach
    void stop() {
        launchers.forEach(WorkerLauncher::kill);
    }

    @Test
    void registrationsThroughAnyWorkerGetTheSameIdsEverywhereAndSurviveAKilledWriter() throws Exception {
        String group = KafkaTestBroker.uniqueTopic("registry-cluster");
        String topic = KafkaTestBroker.uniqueTopic("_schemas");
        for (int i = 0; i < 3; i++) {
            int port = WorkerLauncher.freePort();
            Map<String, String> props = new HashMap<>(Map.of(
                    "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                    "group.id", group,
                    "plugin.path", dir.resolve("plugins").toString(),
                    "schema.registry.listeners", "http://127.0.0.1:" + port,
                    "schema.registry.topic", topic));
            launchers.add(new WorkerLauncher(Files.createDirectories(dir.resolve("worker-" + i)), WorkerLauncher.freePort(),
                    props).distributed());
            registries.add(URI.create("http://127.0.0.1:" + port + "/"));
        }
        for (WorkerLauncher launcher : launchers) {
            launcher.start();
        }
        Map<String, Integer> ids = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger dead = new java.util.concurrent.atomic.AtomicInteger(-1);
        // registrations run on while the writer is killed: any acknowledged one must be kept
        java.util.concurrent.CompletableFuture<Void> registering = java.util.concurrent.CompletableFuture.runAsync(() -> {
            for (int n = 0; n < 60; n++) {
                int at = n;
                // each attempt goes to a live worker: one that was killed mid-request is left for the next
                ids.put("s" + n, register(() -> registries.get(at % 3 == dead.get() ? (at + 1) % 3 : at % 3), "s" + n, n));
            }
        });
        Await.until(() -> ids.size() >= 20 || registering.isDone(), Duration.ofSeconds(120), "20 registrations");
        int writer = writerIndex(topic);
        dead.set(writer);
        launchers.get(writer).kill();
        registering.get(240, TimeUnit.SECONDS);
        assertEquals(60, ids.values().stream().distinct().count(), "60 different schemas, 60 ids: " + ids);
        for (int i = 0; i < 3; i++) {
            if (i == writer) {
                continue;
            }
            RestClient registry = new RestClient(registries.get(i));
            for (Map.Entry<String, Integer> e : ids.entrySet()) {
                String path = "/subjects/" + e.getKey() + "/versions";
                Await.until(() -> registry.get(path).status() == 200, Duration.ofSeconds(30), path + " on " + registries.get(i));
                assertEquals("[1]", registry.get(path).raw(), "registered once: " + e.getKey());
                assertEquals(e.getValue().intValue(), registry.get(path + "/1").body().path("id").asInt(), e.getKey());
            }
        }
        assertTrue(writerIndex(topic) != writer, "another worker writes now");
    }

    /** Registers schema n under subject through the given registries, retrying while the cluster has no writer. */
    private static int register(java.util.function.Supplier<URI> registry, String subject, int n) {
        String body = TestRegistry.json(Map.of("schema", String.format(SCHEMA, n)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        RestClient.Response last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = new RestClient(registry.get()).request("POST", "/subjects/" + subject + "/versions", body,
                        "Content-Type", TestRegistry.CONTENT_TYPE);
                if (last.status() == 200) {
                    return last.body().path("id").asInt();
                }
                assertTrue(last.status() >= 500, "only the writer's absence may refuse a registration: " + last.raw());
            } catch (UncheckedIOException notThere) {
                // a worker between lives
            }
            pause();
        }
        throw new AssertionError("no registration of " + subject + " within 90 s; last answer " + (last == null ? "none" : last.raw()));
    }

    private static void pause() {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        Await.until(() -> System.nanoTime() > until, Duration.ofSeconds(5), "a pause between retries");
    }

    /** Which worker's registry holds the topic's partition in the registry group. */
    private int writerIndex(String topic) throws Exception {
        try (Admin admin = KafkaTestBroker.admin()) {
            String group = "sluice-schema-registry-" + topic;
            for (MemberDescription member : admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(30, TimeUnit.SECONDS).members()) {
                if (!member.assignment().topicPartitions().isEmpty()) {
                    return registries.indexOf(URI.create(member.clientId()));
                }
            }
        }
        throw new AssertionError("no writer in the group");
    }
}
