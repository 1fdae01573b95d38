package io.sluice.bench;

/** Scenario 4 (stub). */
public final class JdbcSourceScenario implements Scenario {
    @Override
    public String id() {
        return "4";
    }

    @Override
    public String label() {
        return "4";
    }

    @Override
    public void run(BenchContext ctx) {
        throw new UnsupportedOperationException("not written yet");
    }
}
