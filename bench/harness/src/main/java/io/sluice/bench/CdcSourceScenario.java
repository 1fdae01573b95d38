package io.sluice.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.sluice.bench.Row.Better;

/**
 * Scenario 9: PostgreSQL change data capture. Sluice's CDC source and Debezium's PostgreSQL connector 3.6.1 in
 * Sluice, Debezium's in Apache, on the same table: the snapshot's rows/s (from the first record in the topic to the
 * last, as scenario 4), then a burst of single-row UPDATEs in transactions of 100 and the rate at which their
 * change events reach the topic, and the lag from the burst's last commit to its last event. Both sources emit
 * Debezium's envelope; each run has its own slot, publication and topic, and drops the slot when deleted. The
 * snapshot is also judged against the two things that bound it: a bare {@code COPY (SELECT ...) TO STDOUT} of the same
 * table (how fast the rows can leave PostgreSQL) and the broker's ceiling for the very records the CDC source wrote
 * (read back and written again by a bare producer: {@link CdcCeilings}), both measured in the same run. Every run
 * converts with JsonConverter (schemas on), as the users of both connectors do; in Sluice both also run with its
 * built-in Avro converter and registry, and both again with the same lz4 producer overrides.
 */
public final class CdcSourceScenario implements Scenario {

    static final String LABEL = "9 postgres cdc";
    private static final String TABLE = "s8_rows";
    private static final int PER_TRANSACTION = 100;
    /**
     * The producer overrides a user would set for a large snapshot: scenario 7's tuned ceiling's settings (the
     * worker's own producer already batches 256 KiB with linger.ms=5, so compression is what they add).
     */
    private static final Map<String, String> BATCHED_PRODUCER = Map.of("producer.override.batch.size", "262144",
            "producer.override.linger.ms", "5", "producer.override.compression.type", "lz4");

    /**
     * The converters of every run, Sluice's and Debezium's in both runtimes: what users run, the worker's default
     * JsonConverter with schemas (Apache's example worker config), set on the connector so the worker's common
     * StringConverter (which would measure {@code Struct.toString()}) does not apply.
     */
    private static final Map<String, String> CONVERTERS = Map.of(
            "key.converter", "org.apache.kafka.connect.json.JsonConverter", "key.converter.schemas.enable", "true",
            "value.converter", "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable", "true");

    /** The runs whose kind ends so convert with Sluice's built-in Avro converter and registry instead. */
    private static final String AVRO = "_avro";
    /** The runs of each connector with {@link #BATCHED_PRODUCER}'s overrides. */
    private static final String SLUICE_LZ4 = "batched";
    private static final String DEBEZIUM_LZ4 = "debezium_lz4";

    private static Map<String, String> avro(String registry) {
        return Map.of("key.converter", "io.confluent.connect.avro.AvroConverter",
                "key.converter.schema.registry.url", registry,
                "value.converter", "io.confluent.connect.avro.AvroConverter",
                "value.converter.schema.registry.url", registry);
    }

    /**
     * One run's figures. snapshotCost is what the worker spent from the connector's creation to the last row;
     * snapshotCpuPerMillion the worker's CPU-seconds per 1M rows from the first row in the topic to the last, as the
     * rate is timed (the connector's start, a fixed cost, is a third of an Avro snapshot's CPU at 100,000 rows).
     */
    private record Run(double snapshotRowsPerSecond, WorkerCost snapshotCost, double snapshotCpuPerMillion,
                       double changesPerSecond, double lagSeconds, double recordBytes) {
    }

    /** The three sides' runs, filled as they go. */
    private static final class Sides {
        final Side snapshot = new Side();
        final Side snapshotCpu = new Side();
        final Side changes = new Side();
        final Side lag = new Side();
        final Side recordBytes = new Side();

        void add(Run run) {
            snapshot.add(run.snapshotRowsPerSecond(), run.snapshotCost());
            snapshotCpu.add(run.snapshotCpuPerMillion());
            changes.add(run.changesPerSecond());
            lag.add(run.lagSeconds());
            if (!Double.isNaN(run.recordBytes())) {
                recordBytes.add(run.recordBytes());
            }
        }

        void fail(String reason) {
            snapshot.fail(reason);
            snapshotCpu.fail(reason);
            changes.fail(reason);
            lag.fail(reason);
            recordBytes.fail(reason);
        }
    }

    /** A source connector config for one run (its slot, publication and topic prefix named by {@code id}). */
    private interface SourceConfig {
        Map<String, String> config(String id) throws Exception;
    }

    @Override
    public String id() {
        return "9";
    }

    @Override
    public String label() {
        return LABEL;
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        int n = ctx.options().jdbcRows();
        Postgres pg = ctx.postgres();
        pg.createTable(TABLE);
        pg.copyRows(TABLE, n);
        boolean debezium = ctx.options().debezium();
        Map<String, SourceConfig> inApache = new LinkedHashMap<>();
        Map<String, SourceConfig> inSluice = new LinkedHashMap<>();
        if (debezium) {
            inApache.put("debezium", id -> debezium(pg, id));
            inSluice.put("debezium", id -> debezium(pg, id));
            inSluice.put("debezium" + AVRO, id -> debezium(pg, id));
            // the same producer overrides as Sluice's lz4 runs: the fair same-worker comparison with lz4
            inSluice.put(DEBEZIUM_LZ4, id -> batched(debezium(pg, id)));
            inSluice.put(DEBEZIUM_LZ4 + AVRO, id -> batched(debezium(pg, id)));
        }
        String missing = null;
        SluiceConnectors connectors = new SluiceConnectors(ctx.layout());
        try {
            connectors.config("cdc.source", vars(pg, "check"));
            inSluice.put("sluice", id -> connectors.config("cdc.source", vars(pg, id)));
            inSluice.put("sluice" + AVRO, id -> connectors.config("cdc.source", vars(pg, id)));
            inSluice.put(SLUICE_LZ4, id -> batched(connectors.config("cdc.source", vars(pg, id))));
            inSluice.put(SLUICE_LZ4 + AVRO, id -> batched(connectors.config("cdc.source", vars(pg, id))));
        } catch (SluiceConnectors.MissingPlugin e) {
            missing = e.getMessage();
            Bench.log("  Sluice CDC source not run: %s", missing);
        }
        Side copyTo = copyTo(ctx, pg, n);
        // Sluice's worker serves the registry itself, on the bench's broker (topic _schemas), for the Avro runs
        String registry = "http://127.0.0.1:" + Layout.freePort();
        Map<String, Sides> apache = debezium && ctx.options().apache() ? runSources(ctx, ConnectRuntime.APACHE,
                List.of(ctx.layout().thirdPartyPlugins()), Map.of(), inApache, registry) : Map.of();
        Map<String, Sides> sluice = runSources(ctx, ConnectRuntime.SLUICE,
                List.of(ctx.layout().thirdPartyPlugins(), ctx.layout().sluicePlugins()),
                // a start() slower than start.timeout.ms shows FAILED until it returns, which fails the run: Debezium's
                // start took longer than the default 10 s on a machine shared with other builds
                Map.of("schema.registry.listeners", registry, "start.timeout.ms", "120000"), inSluice, registry);
        Sides ours = orFailed(sluice.get("sluice"), missing);
        Sides theirs = orFailed(apache.get("debezium"), "not run (--no-debezium or --no-apache)");
        Sides debeziumInSluice = orFailed(sluice.get("debezium"), "not run (--no-debezium)");
        Report report = ctx.report();
        report.add(new Row(LABEL, "snapshot: Sluice CDC source vs Debezium PostgreSQL (Apache)", "rows/s",
                Better.HIGHER, ours.snapshot, "Apache", theirs.snapshot));
        Row sameWorker = new Row(LABEL, "snapshot: Sluice CDC source vs Debezium PostgreSQL in Sluice", "rows/s",
                Better.HIGHER, ours.snapshot, "Debezium", debeziumInSluice.snapshot);
        report.add(sameWorker);
        report.add(new Row(LABEL, "streamed UPDATEs: Sluice CDC source vs Debezium (Apache)", "changes/s",
                Better.HIGHER, ours.changes, "Apache", theirs.changes));
        report.add(new Row(LABEL, "lag, last commit to last event: Sluice vs Debezium (Apache)", "s",
                Better.LOWER, ours.lag, "Apache", theirs.lag));
        report.add(new Row(LABEL, "Debezium PostgreSQL snapshot, same plugin on both", "rows/s", Better.HIGHER,
                debeziumInSluice.snapshot, "Apache", theirs.snapshot));
        report.add(new Row(LABEL, "Debezium PostgreSQL streamed UPDATEs, same plugin on both", "changes/s",
                Better.HIGHER, debeziumInSluice.changes, "Apache", theirs.changes));
        report.add(new Row(LABEL, "snapshot, Avro (built-in registry): Sluice CDC source vs Debezium in Sluice",
                "rows/s", Better.HIGHER, orFailed(sluice.get("sluice" + AVRO), missing).snapshot, "Debezium",
                orFailed(sluice.get("debezium" + AVRO), "not run (--no-debezium)").snapshot));
        Sides batched = orFailed(sluice.get(SLUICE_LZ4), missing);
        Sides debeziumBatched = orFailed(sluice.get(DEBEZIUM_LZ4), "not run (--no-debezium)");
        Row sameWorkerLz4 = new Row(LABEL, "snapshot, lz4 override on both: Sluice CDC source vs Debezium in Sluice",
                "rows/s", Better.HIGHER, batched.snapshot, "Debezium", debeziumBatched.snapshot);
        report.add(sameWorkerLz4);
        Sides batchedAvro = orFailed(sluice.get(SLUICE_LZ4 + AVRO), missing);
        Sides debeziumBatchedAvro = orFailed(sluice.get(DEBEZIUM_LZ4 + AVRO), "not run (--no-debezium)");
        report.add(new Row(LABEL, "snapshot, Avro, lz4 override on both: Sluice CDC source vs Debezium in Sluice",
                "rows/s", Better.HIGHER, batchedAvro.snapshot, "Debezium", debeziumBatchedAvro.snapshot));
        report.add(new Row(LABEL, "snapshot: Sluice CDC source, producer.override.compression.type=lz4 vs "
                + "the worker's producer", "rows/s", Better.HIGHER, batched.snapshot, "default",
                ours.snapshot));
        report.add(new Row(LABEL, "streamed UPDATEs lag: producer.override.compression.type=lz4 vs the worker's "
                + "producer", "s", Better.LOWER, batched.lag, "default", ours.lag));
        Row vsCopy = new Row(LABEL, "snapshot: Sluice CDC source vs bare COPY TO of the same table", "rows/s",
                Better.HIGHER, ours.snapshot, "COPY TO", copyTo);
        report.add(vsCopy);
        cpuRows(report, Map.of("JsonConverter", List.of(ours, debeziumInSluice),
                "JsonConverter, lz4 override on both", List.of(batched, debeziumBatched),
                "Avro", List.of(orFailed(sluice.get("sluice" + AVRO), missing),
                        orFailed(sluice.get("debezium" + AVRO), "not run (--no-debezium)")),
                "Avro, lz4 override on both", List.of(batchedAvro, debeziumBatchedAvro)));
        report.target("CDC snapshot >= 5x Debezium PostgreSQL's in the same worker", 5.0, sameWorker);
        report.target("CDC snapshot >= 5x Debezium PostgreSQL's in the same worker, lz4 override on both", 5.0,
                sameWorkerLz4);
        report.target("CDC snapshot >= 50% of a bare COPY TO of the same table", 0.5, vsCopy);
        // both targets judged against what this broker can take for each converter's record, in this same run
        CdcCeilings ceilings = new CdcCeilings(ctx, copyTo, BATCHED_PRODUCER);
        ceilings.report(CdcCeilings.Converter.JSON, "sluice", new CdcCeilings.Snapshots(ours.snapshot,
                batched.snapshot, debeziumInSluice.snapshot, debeziumBatched.snapshot, ours.recordBytes));
        Sides oursAvro = orFailed(sluice.get("sluice" + AVRO), missing);
        ceilings.report(CdcCeilings.Converter.AVRO, "sluice" + AVRO, new CdcCeilings.Snapshots(oursAvro.snapshot,
                batchedAvro.snapshot, orFailed(sluice.get("debezium" + AVRO), "not run (--no-debezium)").snapshot,
                debeziumBatchedAvro.snapshot, oursAvro.recordBytes));
        report.target("CDC streaming lag, last commit to last event, seconds", 1.0, Better.LOWER,
                ours.lag.ok() ? ours.lag.median() : Double.NaN);
    }

    /**
     * The worker's CPU-seconds per 1M snapshot rows, Sluice's CDC source against Debezium in the same worker, per
     * converter: CPU per row holds on a loaded machine where rates do not, and it counts what the rate hides (the
     * threads beside the task thread). From the first row in the topic to the last, as the rate.
     */
    private static void cpuRows(Report report, Map<String, List<Sides>> byConverter) {
        for (String converter : List.of("JsonConverter", "JsonConverter, lz4 override on both", "Avro",
                "Avro, lz4 override on both")) {
            List<Sides> pair = byConverter.get(converter);
            Row row = new Row(LABEL, "snapshot, " + converter + ": worker CPU-s per 1M rows, Sluice CDC source vs "
                    + "Debezium in Sluice", "CPU-s", Better.LOWER, pair.get(0).snapshotCpu, "Debezium",
                    pair.get(1).snapshotCpu);
            report.add(row);
        }
    }

    /** Rows/s of a bare COPY TO of the scenario's table: warm-ups until steady, then the repetitions. */
    private static Side copyTo(BenchContext ctx, Postgres pg, int n) {
        Side side = new Side();
        Warmup.Run once = i -> {
            long t0 = System.nanoTime();
            long rows = pg.copyOut(TABLE);
            double rate = rows / ((System.nanoTime() - t0) / 1e9);
            if (rows != n) {
                throw new IllegalStateException("COPY TO read " + rows + " rows, wanted " + n);
            }
            Bench.log("  COPY TO: %.0f rows/s", rate);
            return rate;
        };
        try {
            Warmup.untilSteady(side, once);
            for (int rep = 1; rep <= ctx.options().repetitions(); rep++) {
                side.add(once.once(rep));
            }
        } catch (Exception e) {
            side.fail("COPY TO failed: " + e.getMessage());
        }
        return side;
    }

    private static Sides orFailed(Sides sides, String reason) {
        if (sides != null) {
            return sides;
        }
        Sides failed = new Sides();
        failed.fail(reason);
        return failed;
    }

    /** {@code config} with {@link #BATCHED_PRODUCER}'s overrides. */
    private static Map<String, String> batched(Map<String, String> config) {
        Map<String, String> c = new LinkedHashMap<>(config);
        c.putAll(BATCHED_PRODUCER);
        return c;
    }

    private static Map<String, String> vars(Postgres pg, String id) {
        return Map.of("url", pg.url(), "user", Postgres.USER, "password", Postgres.PASSWORD, "table", "public." + TABLE,
                "prefix", id, "slot", id);
    }

    private static Map<String, String> debezium(Postgres pg, String id) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        c.put("tasks.max", "1");
        c.put("database.hostname", "127.0.0.1");
        c.put("database.port", String.valueOf(pg.port()));
        c.put("database.user", Postgres.USER);
        c.put("database.password", Postgres.PASSWORD);
        c.put("database.dbname", "postgres");
        c.put("topic.prefix", id);
        c.put("plugin.name", "pgoutput");
        c.put("slot.name", id);
        c.put("publication.name", id);
        c.put("publication.autocreate.mode", "filtered");
        c.put("table.include.list", "public." + TABLE);
        c.put("snapshot.mode", "initial");
        c.put("slot.drop.on.stop", "true");
        return c;
    }

    /** Each config's repetitions on one worker of the runtime. */
    private static Map<String, Sides> runSources(BenchContext ctx, ConnectRuntime runtime, List<java.nio.file.Path> plugins,
                                                 Map<String, String> workerConfig, Map<String, SourceConfig> configs,
                                                 String registry) {
        return RepeatedRuns.onOneWorker(ctx, runtime, plugins, workerConfig, List.copyOf(configs.keySet()),
                Sides::new, (sides, run) -> sides.snapshot.warmedUp(run.snapshotRowsPerSecond()), Sides::add,
                Sides::fail, run -> new double[] {run.snapshotRowsPerSecond()},
                (worker, key, rep) -> once(ctx, worker, key, configs.get(key), rep,
                        key.endsWith(AVRO) ? avro(registry) : CONVERTERS));
    }

    private static Run once(BenchContext ctx, ConnectWorker worker, String kind, SourceConfig config, String rep,
                            Map<String, String> converters) throws Exception {
        Postgres pg = ctx.postgres();
        int n = ctx.options().jdbcRows();
        int changes = Math.max(PER_TRANSACTION, n / 10 / PER_TRANSACTION * PER_TRANSACTION);
        String id = ("s8_" + worker.runtime().name() + "_" + kind + "_" + rep).toLowerCase();
        String name = id.replace('_', '-');
        String topic = id + ".public." + TABLE;
        ctx.broker().createTopic(topic);
        // generous: a cold Debezium on a machine shared with other builds ran at a few hundred rows/s
        long timeout = TimeUnit.SECONDS.toNanos(60 + n / 400);
        Map<String, String> connector = new LinkedHashMap<>(config.config(id));
        WorkerCost.Meter meter = worker.meter();
        long t0 = System.nanoTime();
        connector.putAll(converters);
        worker.createConnector(name, connector);
        try {
            long[] first = new long[2];
            double[] cpuAtFirst = {worker.process().cpuSeconds()};
            waitFor(ctx, worker, name, topic, n, t0, timeout, first, cpuAtFirst);
            long snapshotDone = System.nanoTime();
            double cpuAtLast = worker.process().cpuSeconds();
            WorkerCost snapshotCost = meter.stop();
            double snapshotCpu = first[0] == 0 || first[1] >= n ? snapshotCost.cpuSeconds() * 1e6 / n
                    : (cpuAtLast - cpuAtFirst[0]) * 1e6 / (n - first[1]);
            double snapshotRate = first[0] == 0 || first[1] >= n ? n / ((snapshotDone - t0) / 1e9)
                    : (n - first[1]) / ((snapshotDone - first[0]) / 1e9);
            // the ceilings are measured for the size of Sluice's own records (JSON and Avro), read once the snapshot
            // is timed
            double recordBytes = kind.startsWith("sluice") ? ctx.broker().averageRecordBytes(topic, 2_000)
                    : Double.NaN;
            if (kind.startsWith("sluice")) {
                CdcCeilings.captureOnce(ctx, kind, topic, n);
            }
            long t1 = System.nanoTime();
            long lastCommit = update(pg, changes);
            waitFor(ctx, worker, name, topic, (long) n + changes, t1, timeout, new long[2], new double[1]);
            long done = System.nanoTime();
            Run run = new Run(snapshotRate, snapshotCost, snapshotCpu, changes / ((done - t1) / 1e9),
                    (done - lastCommit) / 1e9, recordBytes);
            Bench.log("  %s %s %s: snapshot %.0f rows/s, worker %.2f CPU-s per 1M rows; %,d UPDATEs streamed at "
                            + "%.0f changes/s, %.2f s after the last commit", worker.runtime().label(), kind, rep,
                    run.snapshotRowsPerSecond(), snapshotCpu, changes,
                    run.changesPerSecond(), run.lagSeconds());
            return run;
        } finally {
            worker.deleteConnectors();
            pg.dropReplication(id, id);
            ctx.broker().deleteTopics(List.of(topic));
        }
    }

    /**
     * Waits until the topic holds {@code records}; {@code first} gets when and at which count records first showed,
     * {@code cpuAtFirst} the worker's CPU-seconds then.
     */
    private static void waitFor(BenchContext ctx, ConnectWorker worker, String name, String topic, long records,
                                long t0, long timeout, long[] first, double[] cpuAtFirst) throws Exception {
        long nextHealth = t0 + TimeUnit.SECONDS.toNanos(1);
        long end;
        while ((end = ctx.broker().endOffset(topic)) < records) {
            long now = System.nanoTime();
            if (first[0] == 0 && end > 0) {
                first[0] = now;
                first[1] = end;
                cpuAtFirst[0] = worker.process().cpuSeconds();
            }
            if (now >= nextHealth) {
                worker.checkHealthy(List.of(name));
                nextHealth = now + TimeUnit.SECONDS.toNanos(1);
            }
            if (now - t0 > timeout) {
                throw new IllegalStateException("timed out: " + end + "/" + records + " records; "
                        + worker.rest().status(name));
            }
            Thread.sleep(50);
        }
    }

    /** UPDATEs rows 0..changes-1 one by one, PER_TRANSACTION to a transaction; returns the last commit's nanoTime. */
    private static long update(Postgres pg, int changes) throws Exception {
        try (Connection c = pg.connect();
             PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET amount = amount + 1 WHERE id = ?")) {
            c.setAutoCommit(false);
            long committed = 0;
            for (int i = 0; i < changes; i++) {
                ps.setLong(1, i);
                ps.addBatch();
                if ((i + 1) % PER_TRANSACTION == 0) {
                    ps.executeBatch();
                    c.commit();
                    committed = System.nanoTime();
                }
            }
            return committed;
        }
    }
}
