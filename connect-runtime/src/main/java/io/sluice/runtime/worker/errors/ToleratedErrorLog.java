package io.sluice.runtime.worker.errors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tolerated failures of a task in the application log without a line per record: the first at once at WARN, then
 * at most one WARN a minute counting those since, with the latest one described. (errors.log.enable=true logs each
 * failure instead, at ERROR, as Apache does; the dead letter queue's headers carry each one's details.)
 */
final class ToleratedErrorLog {

    private static final Logger log = LoggerFactory.getLogger(ToleratedErrorLog.class);
    private static final long INTERVAL_MS = 60_000L;

    private final String outcome;
    private long lastLoggedMs;
    private boolean loggedAny;
    private long sinceLogged;

    /** outcome says what became of a tolerated record, e.g. "skipped". */
    ToleratedErrorLog(String outcome) {
        this.outcome = outcome;
    }

    synchronized void tolerated(Failure failure, long nowMs) {
        sinceLogged++;
        if (loggedAny && nowMs - lastLoggedMs < INTERVAL_MS) {
            return;
        }
        if (!loggedAny) {
            log.warn("Task {} tolerated a failure (errors.tolerance=all); the record was {}: {}. Later ones are "
                    + "counted here at most once a minute; errors.log.enable=true logs each", failure.task(), outcome,
                    failure.describe());
        } else {
            log.warn("Task {} tolerated {} more failures in the last {} s (errors.tolerance=all); the records were {}. "
                    + "Latest: {}", failure.task(), sinceLogged, (nowMs - lastLoggedMs) / 1000, outcome,
                    failure.describe());
        }
        loggedAny = true;
        lastLoggedMs = nowMs;
        sinceLogged = 0;
    }
}
