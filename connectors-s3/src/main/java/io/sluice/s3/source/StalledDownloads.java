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
 * path that sent half of each body and then held the connection open). One daemon thread per plugin looks at the
 * reads in progress every second; each stalled read is said once.
 */
final class StalledDownloads {

    private static final Logger log = LoggerFactory.getLogger(StalledDownloads.class);

    /** How long a read waits without a byte before it is said: 15 s, or a quarter of a shorter read timeout. */
    static long warnAfterMs(long readTimeoutMs) {
        return Math.max(1_000L, Math.min(15_000L, readTimeoutMs / 4));
    }

    private static final Set<LengthCheckedStream> READING = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-s3-download-watch");
        t.setDaemon(true);
        return t;
    });

    static {
        WATCH.scheduleWithFixedDelay(StalledDownloads::look, 1, 1, TimeUnit.SECONDS);
    }

    private StalledDownloads() {
    }

    static void watch(LengthCheckedStream body) {
        READING.add(body);
    }

    static void forget(LengthCheckedStream body) {
        READING.remove(body);
    }

    private static void look() {
        long now = System.nanoTime();
        for (LengthCheckedStream body : READING) {
            try {
                body.sayIfStalled(now, log);
            } catch (RuntimeException e) {
                log.debug("Looking at download {} failed", body, e);
            }
        }
    }
}
