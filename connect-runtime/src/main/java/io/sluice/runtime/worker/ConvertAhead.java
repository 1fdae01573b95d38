package io.sluice.runtime.worker;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Converts a polled batch's records on a helper thread one chunk ahead of the task thread, which tracks and sends
 * them in their order, so a fast source's conversion (half to two thirds of its task thread in scenario 9's
 * profiles) overlaps the producer's append (and its compression) instead of adding to it. Only the converters' fast
 * path runs here; a record it could not convert is converted again by the task thread under the error policy, after
 * the helper went quiet, so converters and the error handler are never used by two threads at once. The helper
 * thread is started on the first batch large enough to split and lives as long as the task.
 */
final class ConvertAhead implements AutoCloseable {
    /** Records a chunk: small enough that the first chunk's wait is short, large enough that hand-offs are cheap. */
    static final int CHUNK = 128;

    private final SourceRecordConverter converter;
    private final ClassLoader loader;
    private final String scopeContext;
    private final String threadName;
    private ExecutorService helper;
    /** The chunk being converted; only the task thread touches it. */
    private Future<ProducerRecord<byte[], byte[]>[]> inFlight;

    ConvertAhead(SourceRecordConverter converter, ClassLoader loader, String scopeContext, String threadName) {
        this.converter = converter;
        this.loader = loader;
        this.scopeContext = scopeContext;
        this.threadName = threadName;
    }

    /** Whether a batch of this size is worth splitting: at least two chunks, so one overlaps the other's sends. */
    static boolean worthIt(int batchSize) {
        return batchSize > CHUNK;
    }

    /** Starts converting records [from, to) of batch; nothing may be in flight. */
    void start(List<SourceRecord> batch, int from, int to) {
        if (helper == null) {
            helper = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(() -> {
                    // the thread only ever converts for this task: its scope once, as the producer's I/O thread
                    PluginScope.adopt(loader, scopeContext);
                    r.run();
                }, threadName);
                t.setDaemon(true);
                return t;
            });
        }
        List<SourceRecord> chunk = batch.subList(from, to);
        inFlight = helper.submit(() -> {
            @SuppressWarnings("unchecked")
            ProducerRecord<byte[], byte[]>[] out = new ProducerRecord[chunk.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = converter.convertFast(chunk.get(i));
            }
            return out;
        });
    }

    /**
     * The chunk started last, waiting for it: per record its producer record, or null where the task thread must
     * convert it itself ({@link SourceRecordConverter#convert}).
     */
    ProducerRecord<byte[], byte[]>[] take() {
        Future<ProducerRecord<byte[], byte[]>[]> f = inFlight;
        inFlight = null;
        return f == null ? null : await(f);
    }

    /** Waits until the helper converts nothing, keeping what it converted for {@link #take}. */
    void quiesce() {
        if (inFlight != null) {
            await(inFlight);
        }
    }

    /** Waits until the helper converts nothing and drops its chunk (a batch left early: a send failed). */
    void discard() {
        Future<ProducerRecord<byte[], byte[]>[]> f = inFlight;
        inFlight = null;
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            f.cancel(true); // a cancelled task: its thread is given up, as one stuck in a converter would be
            Thread.currentThread().interrupt();
        } catch (ExecutionException | CancellationException e) {
            // its records were never sent: nothing to keep
        }
    }

    /**
     * Only a cancelled task's thread is interrupted (a stop is never): as when its own thread was in a converter,
     * it leaves the batch, and the helper's chunk is cancelled with it.
     */
    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while converting records", e);
        } catch (CancellationException e) {
            throw new ConnectException("Converting records was cancelled", e);
        } catch (ExecutionException e) {
            throw new ConnectException("Converting records failed", e.getCause());
        }
    }

    @Override
    public void close() {
        if (helper != null) {
            helper.shutdownNow();
        }
    }
}
