package io.sluice.runtime.worker;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/** A sink connector for worker tests: its task collects every record it is given; put can be made to throw. */
public class TestSinkConnector extends SinkConnector {
    static final Map<String, Observed> OBSERVED = new ConcurrentHashMap<>();

    static final class Observed {
        final List<SinkRecord> records = new CopyOnWriteArrayList<>();
        final AtomicInteger puts = new AtomicInteger();
        final List<TopicPartition> opened = new CopyOnWriteArrayList<>();
        final List<List<Object>> retriedBatches = new CopyOnWriteArrayList<>();
    }

    static Observed observed(String connector) {
        return OBSERVED.computeIfAbsent(connector, c -> new Observed());
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

    /** The task of {@link TestSinkConnector}. */
    public static class TestSinkTask extends SinkTask {
        private Observed observed;
        private boolean failOnPut;
        private int retriesLeft;

        @Override
        public void start(Map<String, String> props) {
            observed = observed(props.get("name"));
            failOnPut = Boolean.parseBoolean(props.getOrDefault("fail.on.put", "false"));
            retriesLeft = Integer.parseInt(props.getOrDefault("retriable.failures", "0"));
        }

        @Override
        public void open(Collection<TopicPartition> partitions) {
            observed.opened.addAll(partitions);
        }

        @Override
        public void put(Collection<SinkRecord> records) {
            observed.puts.incrementAndGet();
            if (failOnPut && !records.isEmpty()) {
                throw new IllegalStateException("put failed on purpose");
            }
            if (retriesLeft > 0 && !records.isEmpty()) {
                retriesLeft--;
                observed.retriedBatches.add(records.stream().map(SinkRecord::value).toList());
                context.timeout(50);
                throw new org.apache.kafka.connect.errors.RetriableException("external system busy");
            }
            observed.records.addAll(records);
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
