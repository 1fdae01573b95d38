package io.sluice.bench;

import java.util.ArrayList;
import java.util.List;

/** The measured repetitions of one metric on one side (a runtime or a reference), or why it has none. */
public final class Side {

    private final List<Double> values = new ArrayList<>();
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
