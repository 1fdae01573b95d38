package io.sluice.runtime.worker;

import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.worker.errors.ErrorHandler;
import io.sluice.runtime.worker.errors.RecordContext;
import java.util.Map;
import org.apache.kafka.connect.connector.ConnectRecord;

/**
 * A connector's SMTs (transforms) with their predicates (predicates, negate), built from the
 * connector config and applied in order to every record.
 *
 * <p>SKELETON: the errors room replaces this.
 */
public final class TransformationChain<R extends ConnectRecord<R>> implements AutoCloseable {

    /** Builds and configures every transformation and predicate; throws ConfigException naming the bad alias. */
    public static <R extends ConnectRecord<R>> TransformationChain<R> create(Map<String, String> connectorConfig,
                                                                             Plugins plugins) {
        return new TransformationChain<>();
    }

    /**
     * Applies the chain. Returns null when a transformation dropped the record, or when one failed
     * and the error handler tolerated it.
     */
    public R apply(R record, ErrorHandler errors, RecordContext context) {
        return record;
    }

    @Override
    public void close() {
    }
}
