package io.sluice.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The measured repetitions of one metric on one side (a runtime or a reference), or why it has none; with the warm-up
 * runs' figures before them and, where a worker ran, what each repetition cost it.
 */
public final class Side {

    private final List<Double> values = new ArrayList<>();
    private final List<Double> warmup = new ArrayList<>();
    private final List<WorkerCost> costs = new ArrayList<>();
    private String error;

    public static Side failed(String error) {
        Side side = new Side();
        side.error = error;
        return side;
    }

    public static Side of(double... values) {
        Side side = new Side();
        for (double v : values) {
            side.add(v);
        }
        return side;
    }

    public void add(double value) {
        values.add(value);
    }

    /** A measured repetition and what it cost the worker. */
    public void add(double value, WorkerCost cost) {
        values.add(value);
        costs.add(cost);
    }

    /** A warm-up run's figure: reported, never counted. */
    public void warmedUp(double value) {
        warmup.add(value);
    }

    public List<Double> warmup() {
        return List.copyOf(warmup);
    }

    public List<WorkerCost> costs() {
        return List.copyOf(costs);
    }

    /** The worker's CPU-seconds per million records of each repetition, as a side of its own. */
    public Side cpuPerMillion(long records) {
        return derived(c -> c.cpuSeconds() * 1e6 / records);
    }

    /** Each repetition times {@code factor} (e.g. a target's multiple of a measured rate), as a side of its own. */
    public Side scaled(double factor) {
        if (error != null) {
            return failed(error);
        }
        Side side = new Side();
        values.forEach(v -> side.add(v * factor));
        return side;
    }

    /** The worker's GC seconds of each repetition. */
    public Side gcSeconds() {
        return derived(WorkerCost::gcSeconds);
    }

    /** Bytes the worker allocated per record in each repetition. */
    public Side allocatedPerRecord(long records) {
        return derived(c -> c.allocatedBytes() / records);
    }

    private Side derived(java.util.function.ToDoubleFunction<WorkerCost> figure) {
        if (error != null) {
            return failed(error);
        }
        if (costs.isEmpty()) {
            return failed("no worker cost measured");
        }
        Side side = new Side();
        costs.forEach(c -> side.add(figure.applyAsDouble(c)));
        return side;
    }

    public void fail(String reason) {
        if (error == null) {
            error = reason;
        }
    }

    public List<Double> values() {
        return List.copyOf(values);
    }

    /** Why this side has no figure, or null. */
    public String error() {
        return error;
    }

    public boolean ok() {
        return error == null && !values.isEmpty();
    }

    /** The median of the repetitions (mean of the middle two for an even count); NaN without values. */
    public double median() {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
