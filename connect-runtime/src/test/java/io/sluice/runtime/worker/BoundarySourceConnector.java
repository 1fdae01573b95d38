package io.sluice.runtime.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.TransactionContext;

/**
 * A source connector that defines its own transaction boundaries (KIP-618): its task writes "0".."199" in
 * polls of 10 and commits after every 25th record, except that it aborts the transaction of 50..74.
 */
public class BoundarySourceConnector extends TestSourceConnector {
    static final int COUNT = 200;
    static final int ABORTED_FROM = 50;
    static final int ABORTED_TO = 74;

    @Override
    public Class<? extends Task> taskClass() {
        return BoundarySourceTask.class;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
        return ConnectorTransactionBoundaries.SUPPORTED;
    }

    /** The task of {@link BoundarySourceConnector}. */
    public static class BoundarySourceTask extends SourceTask {
        private String topic;
        private Map<String, Object> partition;
        private TransactionContext transactions;
        private int next;

        @Override
        public void start(Map<String, String> props) {
            topic = props.get("topic");
            partition = Map.of("source", props.get("name"));
            transactions = context.transactionContext();
            if (transactions == null) {
                throw new IllegalStateException("no transaction context with transaction.boundary=connector");
            }
            Map<String, Object> committed = context.offsetStorageReader().offset(partition);
            next = committed == null ? 0 : ((Number) committed.get("n")).intValue() + 1;
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            if (next >= COUNT) {
                Thread.sleep(50);
                return null;
            }
            List<SourceRecord> batch = new ArrayList<>();
            for (int end = Math.min(next + 10, COUNT); next < end; next++) {
                SourceRecord record = new SourceRecord(partition, Map.of("n", next), topic, null,
                        Schema.STRING_SCHEMA, Integer.toString(next));
                batch.add(record);
                if (next == ABORTED_TO) {
                    transactions.abortTransaction(record);
                } else if ((next + 1) % 25 == 0) {
                    transactions.commitTransaction(record);
                }
            }
            return batch;
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
