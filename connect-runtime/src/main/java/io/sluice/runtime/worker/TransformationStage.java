package io.sluice.runtime.worker;

import io.sluice.runtime.plugins.LoaderSwap;
import io.sluice.runtime.worker.errors.ErrorHandler;
import io.sluice.runtime.worker.errors.RecordContext;
import io.sluice.runtime.worker.errors.Stage;
import java.util.concurrent.Callable;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One alias of a transformation chain: an SMT and the optional predicate that decides, record by
 * record, whether it applies (negate inverts the predicate).
 *
 * <p>The stage is itself the operation handed to the error handler, with the record in a field,
 * so applying it allocates nothing per record; that makes a stage single-threaded, like the task
 * that owns its chain.
 */
final class TransformationStage<R extends ConnectRecord<R>> implements Callable<R> {

    private static final Logger log = LoggerFactory.getLogger(TransformationStage.class);

    private final String alias;
    private final Transformation<R> transformation;
    private final Class<?> transformationClass;
    private final ClassLoader transformationLoader;
    private final Predicate<R> predicate;
    private final ClassLoader predicateLoader;
    private final boolean negate;
    private R input;

    TransformationStage(String alias, Transformation<R> transformation, Predicate<R> predicate, boolean negate) {
        this.alias = alias;
        this.transformation = transformation;
        this.transformationClass = transformation.getClass();
        this.transformationLoader = loaderOf(transformation);
        this.predicate = predicate;
        this.predicateLoader = predicate == null ? null : loaderOf(predicate);
        this.negate = negate;
    }

    R apply(R record, ErrorHandler errors, RecordContext context) {
        input = record;
        try {
            return errors.execute(Stage.TRANSFORMATION, transformationClass.getName(), context, this);
        } finally {
            input = null;
        }
    }

    /** Tests the predicate (a failure there is the transformation's failure, as in Apache), then transforms. */
    @Override
    public R call() {
        R record = input;
        if (predicate != null && !(negate ^ test(record))) {
            return record;
        }
        ClassLoader current = Thread.currentThread().getContextClassLoader();
        if (current == transformationLoader) {
            return transformation.apply(record);
        }
        try (LoaderSwap swap = LoaderSwap.to(transformationLoader)) {
            return transformation.apply(record);
        }
    }

    private boolean test(R record) {
        ClassLoader current = Thread.currentThread().getContextClassLoader();
        if (current == predicateLoader) {
            return predicate.test(record);
        }
        try (LoaderSwap swap = LoaderSwap.to(predicateLoader)) {
            return predicate.test(record);
        }
    }

    void close() {
        closeQuietly(transformation);
        if (predicate != null) {
            closeQuietly(predicate);
        }
    }

    @Override
    public String toString() {
        return alias + "=" + transformationClass.getName()
                + (predicate == null ? "" : (negate ? " unless " : " if ") + predicate.getClass().getName());
    }

    static void withLoader(Object plugin, Runnable action) {
        try (LoaderSwap swap = LoaderSwap.to(loaderOf(plugin))) {
            action.run();
        }
    }

    static void closeQuietly(Object plugin) {
        try {
            withLoader(plugin, () -> {
                if (plugin instanceof AutoCloseable closeable) {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        } catch (RuntimeException e) {
            log.warn("Failed to close {}", plugin.getClass().getName(), e);
        }
    }

    private static ClassLoader loaderOf(Object plugin) {
        ClassLoader loader = plugin.getClass().getClassLoader();
        return loader != null ? loader : ClassLoader.getSystemClassLoader();
    }
}
