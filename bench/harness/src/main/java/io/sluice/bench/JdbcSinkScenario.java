package io.sluice.bench;

/** Scenario 3 (stub). */
public final class JdbcSinkScenario implements Scenario {
    @Override
    public String id() {
        return "3";
    }

    @Override
    public String label() {
        return "3";
    }

    @Override
    public void run(BenchContext ctx) {
        throw new UnsupportedOperationException("not written yet");
    }
}
