package io.sluice.bench;

/**
 * The warm-up rule every measurement follows: run until two consecutive runs agree within 10% (at most
 * {@value #MAX_RUNS} runs), so the measured repetitions see a JIT-compiled, steady worker and broker, not one that is
 * still speeding up run after run.
 */
final class Warmup {

    static final int MAX_RUNS = 6;
    static final double AGREEMENT = 0.10;

    /** One warm-up run: its figure (a rate or a duration: only agreement matters). */
    interface Run {
        double once(int index) throws Exception;
    }

    private Warmup() {
    }

    /** Runs warm-ups into {@code side}'s warm-up figures until steady; returns how many ran. */
    static int untilSteady(Side side, Run run) throws Exception {
        double previous = Double.NaN;
        for (int i = 0; i < MAX_RUNS; i++) {
            double figure = run.once(i);
            side.warmedUp(figure);
            if (agree(previous, figure)) {
                return i + 1;
            }
            previous = figure;
        }
        Bench.log("  still not steady after %d warm-up runs: measuring anyway", MAX_RUNS);
        return MAX_RUNS;
    }

    static boolean agree(double a, double b) {
        return !Double.isNaN(a) && !Double.isNaN(b) && Math.abs(a - b) <= AGREEMENT * Math.max(Math.abs(a), Math.abs(b));
    }
}
