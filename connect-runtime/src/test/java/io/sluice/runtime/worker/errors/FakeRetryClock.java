package io.sluice.runtime.worker.errors;

import java.util.ArrayList;
import java.util.List;

/** A clock that advances only when the retry loop sleeps, recording every sleep. */
final class FakeRetryClock implements RetryClock {
    long now = 1_000_000L;
    final List<Long> sleeps = new ArrayList<>();
    Runnable onSleep = () -> { };
    private volatile boolean stopped;

    @Override
    public long milliseconds() {
        return now;
    }

    @Override
    public boolean sleep(long ms) {
        sleeps.add(ms);
        onSleep.run();
        if (stopped) {
            return false;
        }
        now += ms;
        return true;
    }

    @Override
    public void stop() {
        stopped = true;
    }
}
