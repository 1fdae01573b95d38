package io.sluice.bench;

/** Scenario 5 (stub). */
public final class S3SinkScenario implements Scenario {
    @Override
    public String id() {
        return "5";
    }

    @Override
    public String label() {
        return "5";
    }

    @Override
    public void run(BenchContext ctx) {
        throw new UnsupportedOperationException("not written yet");
    }
}
