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

    /**
     * One warm-up run with several figures, e.g. a rate and the worker's CPU-seconds for the run: the first is the one
     * reported; the run is steady only when every figure agrees with the previous run's.
     */
    interface Figures {
        double[] once(int index) throws Exception;
    }

    private Warmup() {
    }

    /** Runs warm-ups into {@code side}'s warm-up figures until steady; returns how many ran. */
    static int untilSteady(Side side, Run run) throws Exception {
        return untilAllSteady(side, i -> new double[] {run.once(i)});
    }

    /**
     * As the other, until every figure agrees: a worker still being compiled can match its last rate by chance on a
     * shared machine while its CPU per record still falls run after run (scenario 3 at a load average of 35: rates
     * agreed within 10% at the third and fourth warm-up, then 4.3, 4.4, 3.8, 2.7 CPU-s per 1M rows followed).
     */
    static int untilAllSteady(Side side, Figures run) throws Exception {
        double[] previous = null;
        for (int i = 0; i < MAX_RUNS; i++) {
            double[] figures = run.once(i);
            side.warmedUp(figures[0]);
            if (previous != null && allAgree(previous, figures)) {
                return i + 1;
            }
            previous = figures;
        }
        Bench.log("  still not steady after %d warm-up runs: measuring anyway", MAX_RUNS);
        return MAX_RUNS;
    }

    /**
     * The first figure agrees with its previous value, and so does every other one either run has (NaN in both: not
     * measured, no obstacle).
     */
    private static boolean allAgree(double[] previous, double[] figures) {
        for (int k = 0; k < figures.length; k++) {
            boolean neither = k > 0 && Double.isNaN(previous[k]) && Double.isNaN(figures[k]);
            if (!neither && !agree(previous[k], figures[k])) {
                return false;
            }
        }
        return true;
    }

    static boolean agree(double a, double b) {
        return !Double.isNaN(a) && !Double.isNaN(b) && Math.abs(a - b) <= AGREEMENT * Math.max(Math.abs(a), Math.abs(b));
    }
}
