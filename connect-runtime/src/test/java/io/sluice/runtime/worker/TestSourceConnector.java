package io.sluice.runtime.worker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * A source connector for worker tests: each task writes values "v0".."v(count-1)" of one source
 * partition to a topic, resuming after its committed offset; poll can be made to throw.
 */
public class TestSourceConnector extends SourceConnector {
    /** What a test can observe of the running tasks, by connector name. */
    static final Map<String, Observed> OBSERVED = new ConcurrentHashMap<>();

    public static final class Observed {
        public final AtomicInteger polls = new AtomicInteger();
        final AtomicInteger hangsEnded = new AtomicInteger();
        /** Starts of the connector's tasks, restarts included. */
        public final AtomicInteger starts = new AtomicInteger();
        /** Calls of the connector's taskConfigs(), one per run of the connector. */
        public final AtomicInteger taskConfigCalls = new AtomicInteger();
        final AtomicInteger failedPolls = new AtomicInteger();
        /** Set by a test: every poll from now on throws, as a source whose system broke while it ran. */
        public final AtomicBoolean failFromNow = new AtomicBoolean();
        final AtomicInteger commits = new AtomicInteger();
        final Set<Long> committed = ConcurrentHashMap.newKeySet();
        volatile String pollThread;
        volatile String contextLoaderOfPoll;
        volatile String mdcOfPoll;
        volatile String mdcOfCommitRecord;
        volatile String contextLoaderOfCommitRecord;
        volatile Map<String, Object> startOffset;
        /** How many hung polls had ended when a task of the connector last started. */
        volatile int hangsEndedAtLastStart;
    }

    public static Observed observed(String connector) {
        return OBSERVED.computeIfAbsent(connector, c -> new Observed());
    }

    private Map<String, String> config;

    @Override
    public void start(Map<String, String> props) {
        config = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return TestSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        observed(config.get("name")).taskConfigCalls.incrementAndGet();
        int generated = Integer.parseInt(config.getOrDefault("generate.tasks", "1"));
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < generated; i++) {
            Map<String, String> c = new HashMap<>(config);
            c.put("task.index", Integer.toString(i));
            out.add(c);
        }
        return out;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "test";
    }

    /** The task of {@link TestSourceConnector}. */
    public static class TestSourceTask extends SourceTask {
        private String topic;
        private long count;
        private long next;
        private boolean failOnPoll;
        private int failFirstPolls;
        private int batchSize;
        private long hangMs;
        private Observed observed;
        private Map<String, Object> partition;
        /** The Kafka partition every record names, null for the producer's choice. */
        private Integer kafkaPartition;

        @Override
        public void start(Map<String, String> props) {
            topic = props.get("topic");
            count = Long.parseLong(props.getOrDefault("count", "-1"));
            failOnPoll = Boolean.parseBoolean(props.getOrDefault("fail.on.poll", "false"));
            failFirstPolls = Integer.parseInt(props.getOrDefault("fail.first.polls", "0"));
            batchSize = Integer.parseInt(props.getOrDefault("batch.size", "10"));
            kafkaPartition = props.containsKey("kafka.partition") ? Integer.valueOf(props.get("kafka.partition")) : null;
            hangMs = Long.parseLong(props.getOrDefault("poll.hang.ms", "0"));
            observed = observed(props.get("name"));
            observed.hangsEndedAtLastStart = observed.hangsEnded.get();
            observed.starts.incrementAndGet();
            partition = Map.of("source", props.get("name"));
            Map<String, Object> offset = context.offsetStorageReader().offset(partition);
            observed.startOffset = offset;
            next = offset == null ? 0 : ((Number) offset.get("n")).longValue() + 1;
        }

        @Override
        public List<SourceRecord> poll() {
            observed.polls.incrementAndGet();
            observed.pollThread = Thread.currentThread().getName();
            observed.contextLoaderOfPoll = String.valueOf(Thread.currentThread().getContextClassLoader());
            observed.mdcOfPoll = org.slf4j.MDC.get("connector.context");
            if (failOnPoll || observed.failFromNow.get() || observed.failedPolls.getAndIncrement() < failFirstPolls) {
                throw new IllegalStateException("poll failed on purpose");
            }
            if (hangMs > 0 && observed.polls.get() > 1) {
                // a poll stuck where interrupts are not heard (a driver's socket read), once: outlives a stop
                long until = System.nanoTime() + hangMs * 1_000_000L;
                hangMs = 0;
                while (System.nanoTime() < until) {
                    LockSupport.parkNanos(until - System.nanoTime());
                }
                observed.hangsEnded.incrementAndGet();
            }
            if (count < 0) {
                LockSupport.parkNanos(1_000_000L); // an endless source, kept slow
            }
            if (count >= 0 && next >= count) {
                LockSupport.parkNanos(10_000_000L); // an idle source: nothing more to read
                return null;
            }
            List<SourceRecord> batch = new ArrayList<>();
            for (int i = 0; i < batchSize && (count < 0 || next < count); i++, next++) {
                batch.add(new SourceRecord(partition, Map.of("n", next), topic, kafkaPartition, null, null,
                        Schema.STRING_SCHEMA, "v" + next));
            }
            return batch;
        }

        @Override
        public void commitRecord(SourceRecord record, RecordMetadata metadata) {
            observed.mdcOfCommitRecord = org.slf4j.MDC.get("connector.context");
            observed.contextLoaderOfCommitRecord = String.valueOf(Thread.currentThread().getContextClassLoader());
            if (metadata != null) {
                observed.committed.add(((Number) record.sourceOffset().get("n")).longValue());
            }
        }

        @Override
        public void commit() {
            observed.commits.incrementAndGet();
        }

        @Override
        public void stop() {
        }

        @Override
        public String version() {
            return "test";
        }
    }
}
