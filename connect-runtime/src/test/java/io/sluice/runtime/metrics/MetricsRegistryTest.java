package io.sluice.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.ObservabilityConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.model.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class MetricsRegistryTest {

    @Test
    void rateIsGrowthOverTheWindowFromSamples() {
        AtomicLong total = new AtomicLong();
        Rate rate = new Rate(total::get, 62, 0);
        for (int s = 1; s <= 120; s++) {
            total.addAndGet(100);
            rate.sample(s * 1000L);
        }
        assertEquals(100.0, rate.perSecond(120_000, 60_000), 0.01);
        // younger than the window: since creation, and never over less than a second
        Rate young = new Rate(total::get, 62, 120_000);
        total.addAndGet(50);
        assertEquals(50.0, young.perSecond(120_100, 60_000), 0.01);
    }

    @Test
    void theRecentRateShowsABurstThatTheMinuteAverageSpreadsOut() {
        AtomicLong total = new AtomicLong();
        Rate rate = new Rate(total::get, 62, 0);
        for (int s = 1; s <= 60; s++) {
            total.addAndGet(s > 55 ? 25_000 : 0); // idle for 55 s, then 25,000 records/s
            rate.sample(s * 1000L);
        }
        assertEquals(25_000.0, rate.perSecond(60_000, MetricsRegistry.RECENT_WINDOW_MS), 0.01);
        assertEquals(125_000 / 60.0, rate.perSecond(60_000, MetricsRegistry.LIVE_WINDOW_MS), 0.01);
        for (int s = 61; s <= 66; s++) {
            rate.sample(s * 1000L); // stopped
        }
        assertEquals(0.0, rate.perSecond(66_000, MetricsRegistry.RECENT_WINDOW_MS), 0.01, "not moving any more");
        assertTrue(rate.perSecond(66_000, MetricsRegistry.LIVE_WINDOW_MS) > 2_000, "the minute still remembers");
    }

    @Test
    void aRestartedTaskKeepsCountingInItsLiveTotalsWhileApachesTotalsStartAgain() {
        try (ConnectMetrics metrics = new ConnectMetrics(new WorkerConfig(Map.of(ObservabilityConfig.JMX_ENABLE, "false")).observability(), () -> 1, () -> 1)) {
            SinkTaskMetrics first = metrics.sinkTask("s", 0);
            TopicPartition tp = new TopicPartition("t", 0);
            first.read(tp, records(tp, 0, 100));
            first.put(100, 1_000_000);
            first.acknowledged(Map.of(tp, new OffsetAndMetadata(60)));
            metrics.taskRemoved("s", 0); // a restart through the REST API: stopped, then started again

            SinkTaskMetrics second = metrics.sinkTask("s", 0);
            second.read(tp, records(tp, 60, 90));
            second.acknowledged(Map.of(tp, new OffsetAndMetadata(70)));
            TaskLive live = second.live();
            assertEquals(130, live.in().total());
            assertEquals(100, live.out().total());
            assertEquals(70, live.written().total());
            assertEquals(20, live.pending(), "what this run read and did not get acknowledged");
            MetricGroup sink = metrics.registry().groups().stream()
                    .filter(g -> g.type().equals("sink-task-metrics")).findFirst().orElseThrow();
            assertEquals(30.0, sink.value(sink.metrics().get("sink-record-read-total")), "Apache's: since the restart");
            assertEquals(10.0, sink.value(sink.metrics().get("sink-record-written-total")));
            assertEquals(20.0, sink.value(sink.metrics().get("sink-record-active-count")));

            // an automatic restart replaces the task's metrics without removing them first
            SinkTaskMetrics third = metrics.sinkTask("s", 0);
            assertEquals(130, third.live().in().total());
            assertEquals(0, third.live().pending());
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(
            TopicPartition tp, long from, long to) {
        List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
        for (long o = from; o < to; o++) {
            list.add(new ConsumerRecord<>(tp.topic(), tp.partition(), o, null, null));
        }
        return list;
    }

    @Test
    void statKeepsWindowedAverageAndMaximum() {
        Stat stat = new Stat(62, 0);
        stat.record(10);
        stat.record(30);
        assertEquals(20.0, stat.avg(500, 60_000), 0.001);
        assertEquals(30.0, stat.max(500, 60_000), 0.001);
        stat.sample(1000);
        stat.record(5);
        assertEquals(15.0, stat.avg(1500, 60_000), 0.001);
        assertEquals(30.0, stat.max(1500, 60_000), 0.001);
        for (int s = 2; s <= 70; s++) {
            stat.sample(s * 1000L);
        }
        assertTrue(Double.isNaN(stat.avg(70_000, 60_000)));
        assertTrue(Double.isNaN(stat.max(70_000, 60_000)));
    }

    @Test
    void prometheusTextNamesFollowTheJmxExporterMapping() {
        try (MetricsRegistry registry = new MetricsRegistry(60_000, false)) {
            MetricGroup g = registry.group("source-task-metrics", "connector", "a \"quoted\" name", "task", "0")
                    .counter("source-record-poll-total", "Polled.", () -> 42)
                    .gauge("poll-batch-avg-time-ms", "Avg.", () -> Double.NaN)
                    .info("status", "State.", () -> "running");
            registry.register(g);
            String text = PrometheusText.render(registry.groups());
            assertTrue(text.contains("# TYPE kafka_connect_source_task_metrics_source_record_poll_total counter\n"), text);
            assertTrue(text.contains("kafka_connect_source_task_metrics_source_record_poll_total"
                    + "{connector=\"a \\\"quoted\\\" name\",task=\"0\"} 42\n"), text);
            assertTrue(text.contains("kafka_connect_source_task_metrics_poll_batch_avg_time_ms{connector=\"a \\\"quoted\\\" name\","
                    + "task=\"0\"} NaN\n"), text);
            assertTrue(text.contains("kafka_connect_source_task_metrics_status{connector=\"a \\\"quoted\\\" name\",task=\"0\","
                    + "status=\"running\"} 1\n"), text);
            assertEquals("kafka.connect:type=source-task-metrics,connector=\"a \\\"quoted\\\" name\",task=0",
                    g.objectName().toString());
        }
    }

    @Test
    void taskCountsByStateAndStartupOutcomes() {
        try (ConnectMetrics metrics = new ConnectMetrics(new WorkerConfig(Map.of(ObservabilityConfig.JMX_ENABLE, "false")).observability(), () -> 1, () -> 2)) {
            SourceTaskMetrics a = metrics.sourceTask("c", 0);
            metrics.sinkTask("c", 1);
            metrics.taskState("c", 0, State.RUNNING);
            metrics.taskState("c", 1, State.FAILED);
            a.poll(10, 2_000_000);
            a.written();
            TaskLive live = a.live();
            assertEquals(10, live.in().total());
            assertEquals(1, live.out().total());
            assertEquals("source", live.type());
            MetricGroup worker = metrics.registry().groups().stream()
                    .filter(g -> g.type().equals("connect-worker-metrics") && g.tags().isEmpty()).findFirst().orElseThrow();
            assertEquals(1.0, worker.value(worker.metrics().get("task-startup-success-total")));
            assertEquals(1.0, worker.value(worker.metrics().get("task-startup-failure-total")));
            assertEquals(0.5, worker.value(worker.metrics().get("task-startup-success-percentage")));
            MetricGroup counts = metrics.registry().groups().stream()
                    .filter(g -> g.type().equals("connect-worker-metrics") && "c".equals(g.tags().get("connector")))
                    .findFirst().orElseThrow();
            assertEquals(1.0, counts.value(counts.metrics().get("connector-failed-task-count")));
            assertEquals(2.0, counts.value(counts.metrics().get("connector-total-task-count")));
            assertTrue(metrics.task("c", 1).live().lastErrorTime() > 0, "a failed task has an error time");
            metrics.taskRemoved("c", 0);
            metrics.taskRemoved("c", 1);
            List<MetricGroup> left = metrics.registry().groups();
            assertEquals(1, left.size(), left.toString());
        }
    }
}
