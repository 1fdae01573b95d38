package io.sluice.s3.source;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says when a download waits for bytes that do not come: a task blocked in a read of an object body otherwise logs
 * nothing until the read timeout ({@code s3.request.timeout.ms}, 120 s by default) ends the wait (tryout20, a network
 * path that sent half of each body and then held the connection open). A thread of the task's own, from its start to
 * its stop, looks at its reads in progress every second; each stalled read is said once.
 */
final class StalledDownloads implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StalledDownloads.class);

    /** How long a read waits without a byte before it is said: 15 s, or a quarter of a shorter read timeout. */
    static long warnAfterMs(long readTimeoutMs) {
        return Math.max(1_000L, Math.min(15_000L, readTimeoutMs / 4));
    }

    private final Set<LengthCheckedStream> reading = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watch;

    /** @param task the task's name, for the watch thread's; made on the task's thread, whose log context it keeps */
    StalledDownloads(String task) {
        java.util.Map<String, String> context = org.slf4j.MDC.getCopyOfContextMap();
        watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(() -> {
                if (context != null) {
                    org.slf4j.MDC.setContextMap(context); // its WARN tagged with the connector and task, as the task's
                }
                r.run();
            }, "sluice-s3-download-watch-" + task);
            t.setDaemon(true);
            return t;
        });
        watch.scheduleWithFixedDelay(this::look, 1, 1, TimeUnit.SECONDS);
    }

    void watch(LengthCheckedStream body) {
        reading.add(body);
    }

    void forget(LengthCheckedStream body) {
        reading.remove(body);
    }

    @Override
    public void close() {
        watch.shutdownNow();
    }

    private void look() {
        long now = System.nanoTime();
        for (LengthCheckedStream body : reading) {
            try {
                body.sayIfStalled(now, log);
            } catch (RuntimeException e) {
                log.debug("Looking at download {} failed", body, e);
            }
        }
    }
}
