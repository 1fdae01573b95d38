package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running pipeline (Apache's FileStream source and sink through a 2-partition topic) in a worker
 * started in this JVM: the JMX attributes under Apache's names, the Prometheus text of GET /metrics
 * and the "live" figures of the REST status all count exactly the records moved.
 */
class MetricsIT {
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @TempDir
    Path dir;

    @Test
    void jmxPrometheusAndStatusCountTheRecordsMoved() throws Exception {
        int lines = 20_000;
        Path input = dir.resolve("input.txt");
        Path output = dir.resolve("output.txt");
        List<String> expected = new ArrayList<>(lines);
        for (int i = 0; i < lines; i++) {
            expected.add("line-" + i);
        }
        Files.write(input, expected);
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("metrics"), 2);

        try (TestWorker worker = startWorker(Map.of())) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("metrics-src", Map.of(
                    "connector.class", "FileStreamSource", "file", input.toString(), "topic", topic)).status());
            assertEquals(201, rest.createConnector("metrics-sink", Map.of(
                    "connector.class", "FileStreamSink", "file", output.toString(), "topics", topic)).status());
            Await.until(() -> lineCount(output) >= lines, Duration.ofSeconds(120), "sink wrote every line");

            // JMX, Apache's names and attributes
            ObjectName source = name("source-task-metrics,connector=metrics-src,task=0");
            ObjectName sink = name("sink-task-metrics,connector=metrics-sink,task=0");
            Await.until(() -> number(source, "source-record-write-total") == lines, Duration.ofSeconds(30),
                    "source-record-write-total reaches " + lines);
            assertEquals(lines, number(source, "source-record-poll-total"));
            Await.until(() -> number(sink, "sink-record-send-total") == lines, Duration.ofSeconds(30),
                    "sink-record-send-total reaches " + lines);
            assertEquals(lines, number(sink, "sink-record-read-total"));
            Await.until(() -> number(sink, "sink-record-written-total") == lines, Duration.ofSeconds(30),
                    "sink-record-written-total reaches " + lines + " once preCommit acknowledged them");
            assertEquals(0, number(sink, "sink-record-active-count"));
            assertEquals(2, number(sink, "partition-count"));
            assertTrue(number(source, "source-record-poll-rate") > 0, "poll rate");
            assertTrue(number(source, "source-record-write-rate") > 0, "write rate");
            assertTrue(number(sink, "sink-record-read-rate") > 0, "read rate");
            assertTrue(JMX.getAttribute(source, "poll-batch-avg-time-ms") instanceof Double);
            assertEquals(0, number(source, "source-record-active-count"));
            Await.until(() -> number(sink, "offset-commit-completion-total") >= 1, Duration.ofSeconds(30),
                    "a sink offset commit completed");

            ObjectName task = name("connector-task-metrics,connector=metrics-src,task=0");
            assertEquals("running", JMX.getAttribute(task, "status"));
            assertTrue(number(task, "batch-size-max") >= 1);
            assertTrue((Double) JMX.getAttribute(task, "running-ratio") > 0.5);
            Await.until(() -> number(task, "offset-commit-success-percentage") == 1, Duration.ofSeconds(30),
                    "source offsets committed");
            ObjectName connector = name("connector-metrics,connector=metrics-src");
            assertEquals("running", JMX.getAttribute(connector, "status"));
            assertEquals("source", JMX.getAttribute(connector, "connector-type"));
            assertEquals("org.apache.kafka.connect.file.FileStreamSourceConnector", JMX.getAttribute(connector, "connector-class"));
            ObjectName workerGroup = name("connect-worker-metrics");
            assertEquals(2, number(workerGroup, "connector-count"));
            assertEquals(2, number(workerGroup, "task-count"));
            assertEquals(2, number(workerGroup, "connector-startup-success-total"));
            assertEquals(2, number(workerGroup, "task-startup-success-total"));
            assertEquals(1, number(name("connect-worker-metrics,connector=metrics-sink"), "connector-running-task-count"));
            assertEquals(0, number(name("task-error-metrics,connector=metrics-sink,task=0"), "total-record-errors"));

            // Prometheus text from the same meters
            RestClient.Response metrics = rest.get("/metrics");
            assertEquals(200, metrics.status());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            String text = metrics.raw();
            assertEquals(lines, sample(text, "kafka_connect_source_task_metrics_source_record_write_total",
                    "connector=\"metrics-src\",task=\"0\""));
            assertEquals(lines, sample(text, "kafka_connect_sink_task_metrics_sink_record_send_total",
                    "connector=\"metrics-sink\",task=\"0\""));
            assertEquals(lines, sample(text, "kafka_connect_sink_task_metrics_sink_record_written_total",
                    "connector=\"metrics-sink\",task=\"0\""));
            assertEquals(2, sample(text, "kafka_connect_connect_worker_metrics_connector_count", null));
            assertTrue(text.contains("# TYPE kafka_connect_source_task_metrics_source_record_poll_total counter"), text);
            assertTrue(text.contains("kafka_connect_connector_metrics_status{connector=\"metrics-src\",status=\"running\"} 1"));

            // the live figures of the REST status, beside Apache's fields
            Await.until(() -> {
                JsonNode sinkLive = liveTask(rest, "metrics-sink");
                return sinkLive.path("lag").size() == 2 && sinkLive.path("lag_total").asLong(-1) == 0;
            }, Duration.ofSeconds(30), "sink lag known for both partitions and 0");
            JsonNode status = rest.get("/connectors/metrics-sink/status").body();
            JsonNode sinkTask = status.path("tasks").get(0);
            assertEquals("RUNNING", sinkTask.path("state").asText());
            assertEquals(0, sinkTask.path("id").asInt());
            assertTrue(sinkTask.hasNonNull("worker_id"));
            JsonNode live = sinkTask.path("live");
            assertEquals("sink", live.path("type").asText());
            assertEquals(60, live.path("window_seconds").asInt());
            assertEquals(5, live.path("recent_window_seconds").asInt());
            assertEquals(lines, live.path("records_in_total").asLong());
            assertEquals(lines, live.path("records_out_total").asLong());
            assertEquals(lines, live.path("records_written_total").asLong());
            assertEquals(0, live.path("records_pending").asLong(-1), live.toString());
            assertTrue(live.path("records_in_per_second").asDouble() > 0, live.toString());
            assertTrue(live.path("records_written_per_second").asDouble() > 0, live.toString());
            assertTrue(live.has("records_in_per_second_recent") && live.has("records_written_per_second_recent"),
                    live.toString());
            assertEquals(2, live.path("lag").size(), live.toString());
            assertTrue(live.path("lag").has(topic + "-0") && live.path("lag").has(topic + "-1"), live.toString());
            assertTrue(!live.has("last_error_time"));
            JsonNode sourceLive = liveTask(rest, "metrics-src");
            assertEquals("source", sourceLive.path("type").asText());
            assertEquals(lines, sourceLive.path("records_out_total").asLong());
            assertTrue(!sourceLive.has("lag"));
            assertTrue(!sourceLive.has("records_written_total"), "a source's out is what Kafka acknowledged");
            assertEquals(0, sourceLive.path("records_pending").asLong(-1), sourceLive.toString());
            JsonNode one = rest.get("/connectors/metrics-src/tasks/0/status").body();
            assertEquals(lines, one.path("live").path("records_in_total").asLong(), one.toString());
            JsonNode expanded = rest.get("/connectors?expand=status").body();
            assertEquals(lines, expanded.path("metrics-sink").path("status").path("tasks").get(0)
                    .path("live").path("records_out_total").asLong(), expanded.toString());

            // a paused task stays in the figures, with its state in JMX
            assertEquals(202, rest.put("/connectors/metrics-src/pause", null).status());
            Await.until(() -> "paused".equals(attribute(task, "status")), Duration.ofSeconds(30), "paused in JMX");
            assertEquals(202, rest.put("/connectors/metrics-src/resume", null).status());
            Await.until(() -> "running".equals(attribute(task, "status")), Duration.ofSeconds(30), "running in JMX");

            // deleting a connector removes its MBeans
            assertEquals(204, rest.delete("/connectors/metrics-src").status());
            Await.until(() -> !JMX.isRegistered(source) && !JMX.isRegistered(connector), Duration.ofSeconds(30),
                    "source MBeans unregistered");
        }
        assertTrue(!JMX.isRegistered(name("connect-worker-metrics")), "worker MBean unregistered at close");
    }

    @Test
    void errorMetricsCountToleratedFailuresAndDeadLetterWrites() throws Exception {
        int bad = 50;
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("metrics-bad"), 1);
        String dlq = KafkaTestBroker.uniqueTopic("metrics-dlq");
        String[] values = new String[bad];
        for (int i = 0; i < bad; i++) {
            values[i] = "not json {" + i;
        }
        KafkaTestBroker.produce(topic, values);
        try (TestWorker worker = startWorker(Map.of())) {
            RestClient rest = worker.rest();
            Map<String, String> config = new HashMap<>(Map.of(
                    "connector.class", "FileStreamSink", "file", dir.resolve("bad.txt").toString(), "topics", topic,
                    "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                    "value.converter.schemas.enable", "false",
                    "errors.tolerance", "all", "errors.log.enable", "true",
                    "errors.deadletterqueue.topic.name", dlq));
            config.put("errors.deadletterqueue.topic.replication.factor", "1");
            assertEquals(201, rest.createConnector("metrics-bad", config).status());
            ObjectName errors = name("task-error-metrics,connector=metrics-bad,task=0");
            // a record's counters move one after another (error, logged, DLQ request, skipped): wait for the last
            Await.until(() -> JMX.isRegistered(errors) && number(errors, "total-records-skipped") == bad,
                    Duration.ofSeconds(60), "every record counted as an error and skipped");
            assertEquals(bad, number(errors, "total-record-errors"));
            assertEquals(bad, number(errors, "total-record-failures"));
            assertEquals(bad, number(errors, "total-errors-logged"));
            assertEquals(bad, number(errors, "deadletterqueue-produce-requests"));
            assertEquals(0, number(errors, "deadletterqueue-produce-failures"));
            assertTrue(number(errors, "last-error-timestamp") > System.currentTimeMillis() - 120_000);
            assertEquals(bad, KafkaTestBroker.consumeAll(dlq, bad, Duration.ofSeconds(30)).size());

            JsonNode live = liveTask(rest, "metrics-bad");
            assertEquals(bad, live.path("errors_total").asLong(), live.toString());
            assertNotNull(live.get("last_error_time"), live.toString());
            assertEquals(bad, live.path("records_in_total").asLong());
            assertEquals(0, live.path("records_out_total").asLong());
            // the Prometheus text is re-rendered once a second while it is read: the new count shows within one
            Await.until(() -> sample(rest.get("/metrics").raw(), "kafka_connect_task_error_metrics_total_record_errors",
                    "connector=\"metrics-bad\",task=\"0\"") == bad, Duration.ofSeconds(5), "errors in /metrics");
        }
    }

    private TestWorker startWorker(Map<String, String> extra) {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        return TestWorker.standalone().pluginPath(pluginPath).stringConverters()
                .with("offset.flush.interval.ms", "1000").with(extra).start();
    }

    static JsonNode liveTask(RestClient rest, String connector) {
        RestClient.Response r = rest.get("/connectors/" + connector + "/status");
        if (r.status() != 200 || r.body().path("tasks").isEmpty()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return r.body().path("tasks").get(0).path("live");
    }

    private static ObjectName name(String rest) {
        try {
            return new ObjectName("kafka.connect:type=" + rest);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Object attribute(ObjectName name, String attribute) {
        try {
            return JMX.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new AssertionError("Cannot read " + name + " " + attribute, e);
        }
    }

    private static long number(ObjectName name, String attribute) {
        Object value = attribute(name, attribute);
        assertTrue(value instanceof Double, name + " " + attribute + " is " + value);
        return Math.round((Double) value);
    }

    /** The value of one sample of the Prometheus text; labels null for a sample without labels. */
    static long sample(String text, String metric, String labels) {
        String prefix = labels == null ? metric + " " : metric + "{" + labels + "} ";
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                return Math.round(Double.parseDouble(line.substring(prefix.length()).trim()));
            }
        }
        throw new AssertionError("No sample " + prefix + " in:\n" + text);
    }

    private static long lineCount(Path file) {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> s = Files.lines(file)) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
