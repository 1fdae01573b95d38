package io.sluice.bench;

import java.nio.file.Path;

import io.sluice.bench.Row.Better;

/**
 * Scenario 9's judgement of the snapshot against what the broker accepts for the very records the CDC source wrote:
 * the snapshot's records, read back from its topic, written again by a bare producer in the harness
 * ({@link BrokerCeilingScenario#replay}) with the worker's producer settings and with the tuned ones (256 KiB batch,
 * linger 5 ms, lz4). Each target (5x Debezium's snapshot in the same worker with the same producer settings, 50% of
 * a bare COPY TO) is set against the ceiling for those settings: a ratio above 1 is a rate this broker does not accept
 * for these records, whatever the connector does.
 */
final class CdcCeilings {

    /**
     * How a converter's figures are named: JSON keeps the metric names of the runs before Avro was measured, so the
     * JSON history stays comparable.
     */
    enum Converter {
        JSON("JsonConverter with schemas", "JSON", "cdc-", ""),
        AVRO("Avro", "Avro", "cdc-avro-", ", Avro");

        final String label;
        final String shortName;
        final String tag;
        final String suffix;

        Converter(String label, String shortName, String tag, String suffix) {
            this.label = label;
            this.shortName = shortName;
            this.tag = tag;
            this.suffix = suffix;
        }
    }

    /**
     * One converter's snapshot rates: Sluice's CDC source and Debezium's in Sluice, each with the worker's producer
     * and with the lz4 override; the record size of Sluice's runs.
     */
    record Snapshots(Side sluice, Side sluiceLz4, Side debezium, Side debeziumLz4, Side recordBytes) {
    }

    private final BenchContext ctx;
    private final Side copyTo;

    CdcCeilings(BenchContext ctx, Side copyTo) {
        this.ctx = ctx;
        this.copyTo = copyTo;
    }

    /** Where a Sluice run of {@code kind} leaves its snapshot's records for the replay. */
    static Path capturedFile(BenchContext ctx, String kind) {
        return ctx.layout().work().resolve("s9-records-" + kind + ".bin");
    }

    /** Captures the first {@code n} records of {@code topic} once per kind: later runs' records are the same rows. */
    static void captureOnce(BenchContext ctx, String kind, String topic, long n) throws Exception {
        if (ctx.get(key(kind)) == null) {
            CapturedRecords records = CapturedRecords.capture(ctx.broker(), topic, n, capturedFile(ctx, kind));
            ctx.put(key(kind), records);
            Bench.log("  captured %,d records of %s (%.0f B each) for the replay ceiling", records.count(), kind,
                    records.meanBytes());
        }
    }

    private static String key(String kind) {
        return "s9.records." + kind;
    }

    /** The rows and targets of one converter, its records captured from the run of {@code kind}. */
    void report(Converter converter, String kind, Snapshots s) throws Exception {
        Report report = ctx.report();
        if (s.recordBytes().ok()) {
            report.add(new Row(CdcSourceScenario.LABEL, "snapshot record size, key + value (" + converter.label + ")",
                    "bytes", Better.NONE, s.recordBytes(), null, null));
        }
        Side plain;
        Side lz4;
        CapturedRecords records = ctx.get(key(kind));
        if (records != null) {
            try {
                plain = BrokerCeilingScenario.measure(ctx, converter.tag + "replay-worker", (c, run) ->
                        BrokerCeilingScenario.replay(c, run, records, BrokerCeilingScenario.WORKER_PRODUCER));
                lz4 = BrokerCeilingScenario.measure(ctx, converter.tag + "replay-lz4", (c, run) ->
                        BrokerCeilingScenario.replay(c, run, records, BrokerCeilingScenario.tunedProducer()));
            } finally {
                records.delete();
            }
        } else {
            plain = Side.failed("no records captured from Sluice's " + kind + " run");
            lz4 = plain;
        }
        String what = "the snapshot's records (" + converter.label + ")";
        String suffix = converter.suffix;
        row("replay of " + what + ", bare producer, worker's producer settings", "records/s", Better.HIGHER, null,
                plain);
        row("replay of " + what + ", bare producer, 256k batch lz4", "records/s", Better.HIGHER, null, lz4);
        row("snapshot" + suffix + ": Sluice CDC source vs replay ceiling, worker's producer", "rows/s", Better.HIGHER,
                s.sluice(), plain);
        row("snapshot" + suffix + ", lz4 override: Sluice CDC source vs replay ceiling, 256k batch lz4", "rows/s",
                Better.HIGHER, s.sluiceLz4(), lz4);
        // ratio above 1: the target asks for more records/s than the broker accepts for these records
        String debezium = "target: 5x Debezium's snapshot in Sluice (" + converter.shortName + ")";
        row(debezium + ", worker's producer, vs replay ceiling", "rows/s", Better.NONE, s.debezium().scaled(5), plain);
        row(debezium + ", lz4 override on both, vs replay ceiling with lz4", "rows/s", Better.NONE,
                s.debeziumLz4().scaled(5), lz4);
        String copy = "target: 50% of bare COPY TO vs replay ceiling (" + converter.shortName + ")";
        row(copy + ", worker's producer", "rows/s", Better.NONE, copyTo.scaled(0.5), plain);
        row(copy + ", 256k batch lz4", "rows/s", Better.NONE, copyTo.scaled(0.5), lz4);
        target("CDC snapshot >= 50% of min(bare COPY TO, replay ceiling of its records)" + suffix, s.sluice(), plain);
        target("CDC snapshot, lz4 override, >= 50% of min(bare COPY TO, replay ceiling with lz4)" + suffix,
                s.sluiceLz4(), lz4);
    }

    private void row(String metric, String unit, Better better, Side sluice, Side ceiling) {
        ctx.report().add(new Row(CdcSourceScenario.LABEL, metric, unit, better, sluice, "ceiling", ceiling));
    }

    private void target(String name, Side snapshot, Side ceiling) {
        double bound = copyTo.ok() && ceiling.ok() ? Math.min(copyTo.median(), ceiling.median()) : Double.NaN;
        ctx.report().target(name, 0.5, Better.HIGHER, snapshot.ok() ? snapshot.median() / bound : Double.NaN);
    }
}
