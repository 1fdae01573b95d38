package io.sluice.bench;

/**
 * One line of the report: a metric measured on Sluice and on a comparison side (Apache Kafka
 * Connect, or a reference such as COPY or raw PUTs, named by {@code otherLabel}).
 */
public record Row(String scenario, String metric, String unit, Better better,
        Side sluice, String otherLabel, Side other) {

    /** Which direction of the metric is better; the ratio is always Sluice / other. */
    public enum Better { HIGHER, LOWER, NONE }

    /** Sluice median / other median, or NaN when either side has no figure. */
    public double ratio() {
        if (sluice == null || other == null || !sluice.ok() || !other.ok() || other.median() == 0) {
            return Double.NaN;
        }
        return sluice.median() / other.median();
    }
}
