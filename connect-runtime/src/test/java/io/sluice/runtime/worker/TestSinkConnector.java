package io.sluice.runtime.worker;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * A sink connector for worker tests: its task collects every record it is given; put can be made to throw, open
 * can rewind its partitions, and records can be kept only once flushed (a sink that loses unflushed writes).
 */
public class TestSinkConnector extends SinkConnector {
    static final Map<String, Observed> OBSERVED = new ConcurrentHashMap<>();

    static final class Observed {
        final List<SinkRecord> records = new CopyOnWriteArrayList<>();
        final AtomicInteger puts = new AtomicInteger();
        final List<TopicPartition> opened = new CopyOnWriteArrayList<>();
        final List<List<Object>> retriedBatches = new CopyOnWriteArrayList<>();
        /** Every close() call, by partition, and what the task did in the wrong order (e.g. "close after stop"). */
        final List<TopicPartition> closed = new CopyOnWriteArrayList<>();
        final List<String> outOfOrder = new CopyOnWriteArrayList<>();
        /** How many times put failed on purpose (fail.on.put.after fails once per connector). */
        final AtomicInteger putFailures = new AtomicInteger();
        /** preCommit acknowledges no offset above this: a sink whose writes have not reached their store yet. */
        final AtomicLong acknowledgeBelow = new AtomicLong(Long.MAX_VALUE);
    }

    static Observed observed(String connector) {
        return OBSERVED.computeIfAbsent(connector, c -> new Observed());
    }

    /** From now on the connector's tasks acknowledge in preCommit no offset above this (Long.MAX_VALUE: all). */
    public static void acknowledgeBelow(String connector, long offset) {
        observed(connector).acknowledgeBelow.set(offset);
    }

    private Map<String, String> config;

    @Override
    public void start(Map<String, String> props) {
        config = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return TestSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(config);
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

    /**
     * The task of {@link TestSinkConnector}; preCommit acknowledges no offset above the connector's
     * {@code acknowledgeBelow}. Settings: fail.on.put (every non-empty put throws), retriable.failures
     * (the first n puts ask for a retry), seek.in.open (open() rewinds every partition to this offset),
     * store.on.flush (records are kept only when flushed; a failed put loses the unflushed ones, like a rolled
     * back transaction), fail.on.put.after (once per connector, the put that would take this task past n records
     * throws).
     */
    public static class TestSinkTask extends SinkTask {
        private Observed observed;
        private boolean failOnPut;
        private int retriesLeft;
        private long seekInOpen;
        private boolean storeOnFlush;
        private long failAfter;
        private long received;
        private final List<SinkRecord> unflushed = new java.util.ArrayList<>();
        private boolean stopped;

        @Override
        public void start(Map<String, String> props) {
            observed = observed(props.get("name"));
            failOnPut = Boolean.parseBoolean(props.getOrDefault("fail.on.put", "false"));
            retriesLeft = Integer.parseInt(props.getOrDefault("retriable.failures", "0"));
            seekInOpen = Long.parseLong(props.getOrDefault("seek.in.open", "-1"));
            storeOnFlush = Boolean.parseBoolean(props.getOrDefault("store.on.flush", "false"));
            failAfter = Long.parseLong(props.getOrDefault("fail.on.put.after", "-1"));
        }

        @Override
        public void open(Collection<TopicPartition> partitions) {
            observed.opened.addAll(partitions);
            if (seekInOpen >= 0) {
                for (TopicPartition tp : partitions) {
                    context.offset(tp, seekInOpen);
                }
            }
        }

        @Override
        public void put(Collection<SinkRecord> records) {
            observed.puts.incrementAndGet();
            if (failOnPut && !records.isEmpty()) {
                throw new IllegalStateException("put failed on purpose");
            }
            if (failAfter >= 0 && received + records.size() > failAfter && observed.putFailures.get() == 0) {
                observed.putFailures.incrementAndGet();
                unflushed.clear();
                throw new IllegalStateException("put failed on purpose after " + received + " records");
            }
            received += records.size();
            if (retriesLeft > 0 && !records.isEmpty()) {
                retriesLeft--;
                observed.retriedBatches.add(records.stream().map(SinkRecord::value).toList());
                context.timeout(50);
                throw new org.apache.kafka.connect.errors.RetriableException("external system busy");
            }
            if (storeOnFlush) {
                unflushed.addAll(records);
            } else {
                observed.records.addAll(records);
            }
        }

        @Override
        public void flush(Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets) {
            observed.records.addAll(unflushed);
            unflushed.clear();
        }

        @Override
        public Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> preCommit(
                Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets) {
            flush(offsets);
            long limit = observed.acknowledgeBelow.get();
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> done = new java.util.HashMap<>();
            offsets.forEach((tp, o) -> done.put(tp, o.offset() <= limit ? o
                    : new org.apache.kafka.clients.consumer.OffsetAndMetadata(limit)));
            return done;
        }

        @Override
        public void close(Collection<TopicPartition> partitions) {
            if (stopped) {
                observed.outOfOrder.add("close " + partitions + " after stop");
            }
            observed.closed.addAll(partitions);
        }

        @Override
        public void stop() {
            stopped = true;
        }

        @Override
        public String version() {
            return "test";
        }
    }
}
