package io.sluice.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.sluice.bench.Row.Better;

/**
 * Scenario 9's judgement of the snapshot against what the broker accepts for the very records the CDC source wrote:
 * the snapshot's records, read back from its topic, written again by a bare producer in the harness
 * ({@link BrokerCeilingScenario#replay}) with the producer settings the connectors ran with: the worker's, and the
 * worker's with the lz4 runs' overrides; also with scenario 7's tuned producer (the same batch, linger and lz4 on the
 * producer's defaults, five requests in flight where a task's producer has one), which shows what one request at a
 * time costs. Each target (5x Debezium's snapshot in the same worker with the same producer settings, 50% of a bare
 * COPY TO) is set against the ceiling for those settings: a ratio above 1 is a rate this broker does not accept for
 * these records, whatever the connector does.
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
    private final Map<String, Object> lz4Producer;

    /** {@code overrides}: the lz4 runs' {@code producer.override.*} keys, applied to the worker's producer. */
    CdcCeilings(BenchContext ctx, Side copyTo, Map<String, String> overrides) {
        this.ctx = ctx;
        this.copyTo = copyTo;
        this.lz4Producer = new HashMap<>(BrokerCeilingScenario.WORKER_PRODUCER);
        overrides.forEach((k, v) -> lz4Producer.put(k.substring("producer.override.".length()), v));
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
        Side tuned;
        CapturedRecords records = ctx.get(key(kind));
        if (records != null) {
            try {
                plain = replay(converter.tag + "replay-worker", records, BrokerCeilingScenario.WORKER_PRODUCER);
                lz4 = replay(converter.tag + "replay-worker-lz4", records, lz4Producer);
                tuned = replay(converter.tag + "replay-tuned", records, BrokerCeilingScenario.tunedProducer());
            } finally {
                records.delete();
            }
        } else {
            plain = Side.failed("no records captured from Sluice's " + kind + " run");
            lz4 = plain;
            tuned = plain;
        }
        String what = "the snapshot's records (" + converter.label + ")";
        String suffix = converter.suffix;
        row("replay of " + what + ", bare producer, worker's producer settings", "records/s", Better.HIGHER, null,
                plain);
        row("replay of " + what + ", bare producer, worker's settings + lz4 overrides", "records/s", Better.HIGHER,
                null, lz4);
        row("replay of " + what + ", bare producer, 256k batch lz4 on producer defaults (5 in flight)", "records/s",
                Better.HIGHER, null, tuned);
        row("snapshot" + suffix + ": Sluice CDC source vs replay ceiling, worker's producer", "rows/s", Better.HIGHER,
                s.sluice(), plain);
        row("snapshot" + suffix + ", lz4 override: Sluice CDC source vs replay ceiling with the same settings",
                "rows/s", Better.HIGHER, s.sluiceLz4(), lz4);
        // ratio above 1: the target asks for more records/s than the broker accepts for these records
        String debezium = "target: 5x Debezium's snapshot in Sluice (" + converter.shortName + ")";
        row(debezium + ", worker's producer, vs replay ceiling", "rows/s", Better.NONE, s.debezium().scaled(5), plain);
        row(debezium + ", lz4 override on both, vs replay ceiling with lz4", "rows/s", Better.NONE,
                s.debeziumLz4().scaled(5), lz4);
        String copy = "target: 50% of bare COPY TO vs replay ceiling (" + converter.shortName + ")";
        row(copy + ", worker's producer", "rows/s", Better.NONE, copyTo.scaled(0.5), plain);
        row(copy + ", lz4 overrides", "rows/s", Better.NONE, copyTo.scaled(0.5), lz4);
        target("CDC snapshot >= 50% of min(bare COPY TO, replay ceiling of its records)" + suffix, s.sluice(), plain);
        target("CDC snapshot, lz4 override, >= 50% of min(bare COPY TO, replay ceiling with lz4)" + suffix,
                s.sluiceLz4(), lz4);
    }

    private Side replay(String tag, CapturedRecords records, Map<String, Object> settings) {
        return BrokerCeilingScenario.measure(ctx, tag, (c, run) -> BrokerCeilingScenario.replay(c, run, records,
                settings));
    }

    private void row(String metric, String unit, Better better, Side sluice, Side ceiling) {
        ctx.report().add(new Row(CdcSourceScenario.LABEL, metric, unit, better, sluice, "ceiling", ceiling));
    }

    private void target(String name, Side snapshot, Side ceiling) {
        double bound = copyTo.ok() && ceiling.ok() ? Math.min(copyTo.median(), ceiling.median()) : Double.NaN;
        ctx.report().target(name, 0.5, Better.HIGHER, snapshot.ok() ? snapshot.median() / bound : Double.NaN);
    }
}
