package io.sluice.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.sluice.bench.Row.Better;

/**
 * Scenario 3: topic → PostgreSQL. Sluice's JDBC sink (insert, upsert) vs Debezium's JDBC sink
 * 3.5.0 on Apache, Debezium on both runtimes, and COPY of the same rows as the database's ceiling.
 */
public final class JdbcSinkScenario implements Scenario {

    static final String LABEL = "3 topic->postgres";
    private static final String TOPIC = "bench-s3-rows";
    /** The same rows without schemas: key {"id":n}, value the row's JSON object (the schemaless and raw paths). */
    private static final String PLAIN_TOPIC = "bench-s3-plain-rows";

    @Override
    public String id() {
        return "3";
    }

    @Override
    public String label() {
        return LABEL;
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        int n = ctx.options().jdbcRows();
        Postgres pg = ctx.postgres();
        Bench.log("  writing %,d JSON-with-schema records to %s", n, TOPIC);
        ctx.broker().produce(TOPIC, n, Rows::keyJson, Rows::valueJson);
        Bench.log("  writing %,d schemaless JSON records to %s", n, PLAIN_TOPIC);
        ctx.broker().produce(PLAIN_TOPIC, n, i -> "{\"id\":" + i + "}", Rows::payloadJson);

        Side copy = new Side();
        Warmup.untilSteady(copy, i -> copyOnce(pg, n, "warm-up " + (i + 1)));
        for (int rep = 1; rep <= ctx.options().repetitions(); rep++) {
            copy.add(copyOnce(pg, n, "run " + rep));
        }

        SluiceConnectors sluiceConnectors = new SluiceConnectors(ctx.layout());
        boolean debezium = ctx.options().debezium();
        Map<String, SinkConfig> theirs = new LinkedHashMap<>();
        if (debezium) {
            theirs.put("debezium-insert", t -> debezium(pg, t, "insert"));
            theirs.put("debezium-upsert", t -> debezium(pg, t, "upsert"));
        }
        Map<String, Side> apache = new LinkedHashMap<>(runSinks(ctx, ConnectRuntime.APACHE,
                List.of(ctx.layout().thirdPartyPlugins()), theirs));
        Map<String, SinkConfig> ours = new LinkedHashMap<>();
        if (debezium) {
            ours.put("debezium-insert", t -> debezium(pg, t, "insert"));
        }
        Map<String, Side> sluice;
        String missing = null;
        try {
            sluiceConnectors.config("jdbc.sink.insert", vars(pg, "check"));
            sluiceConnectors.config("jdbc.sink.upsert", vars(pg, "check"));
            ours.put("sluice-insert", t -> sluiceConnectors.config("jdbc.sink.insert", vars(pg, t)));
            ours.put("sluice-upsert", t -> sluiceConnectors.config("jdbc.sink.upsert", vars(pg, t)));
            ours.put("sluice-schemaless", t -> sluiceConnectors.config("jdbc.sink.schemaless", vars(pg, t, PLAIN_TOPIC)));
            ours.put("sluice-raw", t -> sluiceConnectors.config("jdbc.sink.raw", vars(pg, t, PLAIN_TOPIC)));
            ours.put("sluice-raw-envelope", t -> sluiceConnectors.config("jdbc.sink.raw", vars(pg, t)));
        } catch (SluiceConnectors.MissingPlugin e) {
            missing = e.getMessage();
            Bench.log("  Sluice JDBC sink not run: %s", missing);
        }
        sluice = runSinks(ctx, ConnectRuntime.SLUICE,
                List.of(ctx.layout().thirdPartyPlugins(), ctx.layout().sluicePlugins()), ours);
        if (!debezium) {
            for (String skipped : List.of("debezium-insert", "debezium-upsert")) {
                apache.put(skipped, Side.failed("skipped (--no-debezium)"));
            }
            sluice = new LinkedHashMap<>(sluice);
            sluice.put("debezium-insert", Side.failed("skipped (--no-debezium)"));
        }
        Side ourInsert = missing != null ? Side.failed(missing) : sluice.get("sluice-insert");
        Side ourUpsert = missing != null ? Side.failed(missing) : sluice.get("sluice-upsert");
        Side ourSchemaless = missing != null ? Side.failed(missing) : sluice.get("sluice-schemaless");
        Side ourRaw = missing != null ? Side.failed(missing) : sluice.get("sluice-raw");
        Side ourRawEnvelope = missing != null ? Side.failed(missing) : sluice.get("sluice-raw-envelope");

        Report report = ctx.report();
        report.add(new Row(LABEL, "insert: Sluice JDBC sink vs Debezium (Apache)", "rows/s", Better.HIGHER,
                ourInsert, "Apache", apache.get("debezium-insert")));
        report.add(new Row(LABEL, "upsert: Sluice JDBC sink vs Debezium (Apache)", "rows/s", Better.HIGHER,
                ourUpsert, "Apache", apache.get("debezium-upsert")));
        // the original row's metric name is kept, so the JSON history stays comparable
        vsCopy(report, "insert: Sluice JDBC sink vs COPY", "JSON with schemas", ourInsert, copy);
        vsCopy(report, "insert, schemaless JSON (JsonConverter schemas.enable=false) vs COPY", "schemaless JSON",
                ourSchemaless, copy);
        vsCopy(report, "insert, raw JSON text (ByteArrayConverter) vs COPY", "raw JSON text", ourRaw, copy);
        vsCopy(report, "insert, JSON with schemas read raw (ByteArrayConverter) vs COPY", "JSON with schemas read raw",
                ourRawEnvelope, copy);
        Map<String, Side> paths = new LinkedHashMap<>();
        paths.put("schemaless JSON", ourSchemaless);
        paths.put("raw JSON text", ourRaw);
        paths.put("JSON with schemas read raw", ourRawEnvelope);
        for (Map.Entry<String, Side> path : paths.entrySet()) {
            report.add(new Row(LABEL, "insert, " + path.getKey() + ": worker CPU-s per 1M rows vs JSON with schemas",
                    "CPU-s", Better.LOWER, path.getValue().cpuPerMillion(n), "schemas", ourInsert.cpuPerMillion(n)));
            report.add(new Row(LABEL, "insert, " + path.getKey() + ": bytes allocated per row vs JSON with schemas",
                    "bytes", Better.LOWER, path.getValue().allocatedPerRecord(n), "schemas",
                    ourInsert.allocatedPerRecord(n)));
        }
        Side theirInsert = apache.get("debezium-insert");
        report.add(new Row(LABEL, "insert: worker CPU-s per 1M rows, Sluice JDBC sink vs Debezium (Apache)", "CPU-s",
                Better.LOWER, ourInsert.cpuPerMillion(n), "Apache", theirInsert.cpuPerMillion(n)));
        report.add(new Row(LABEL, "upsert: worker CPU-s per 1M rows, Sluice JDBC sink vs Debezium (Apache)", "CPU-s",
                Better.LOWER, ourUpsert.cpuPerMillion(n), "Apache", apache.get("debezium-upsert").cpuPerMillion(n)));
        report.add(new Row(LABEL, "insert: worker GC seconds per run, Sluice JDBC sink vs Debezium (Apache)", "s",
                Better.LOWER, ourInsert.gcSeconds(), "Apache", theirInsert.gcSeconds()));
        report.add(new Row(LABEL, "insert: worker bytes allocated per row, Sluice JDBC sink vs Debezium (Apache)",
                "bytes", Better.LOWER, ourInsert.allocatedPerRecord(n), "Apache", theirInsert.allocatedPerRecord(n)));
        report.add(new Row(LABEL, "Debezium JDBC sink insert, same plugin on both", "rows/s", Better.HIGHER,
                sluice.get("debezium-insert"), "Apache", apache.get("debezium-insert")));
    }

    /** A sink path's rate against COPY of the same rows, as a row and as a target of the issue (0.5 of COPY). */
    private static void vsCopy(Report report, String metric, String path, Side sink, Side copy) {
        Row row = new Row(LABEL, metric, "rows/s", Better.HIGHER, sink, "COPY", copy);
        report.add(row);
        report.target("JDBC sink insert, " + path + ", end to end from the topic, vs COPY of the same rows", 0.5, row);
    }

    private static double copyOnce(Postgres pg, int n, String run) throws Exception {
        pg.createTable("s3_copy");
        pg.checkpoint();
        double rate = n / pg.copyRows("s3_copy", n);
        Bench.log("  COPY %s: %.0f rows/s", run, rate);
        pg.dropTable("s3_copy");
        return rate;
    }

    /** A sink connector config for one repetition writing into {@code table}. */
    interface SinkConfig {
        Map<String, String> config(String table) throws Exception;
    }

    private static Map<String, String> vars(Postgres pg, String table) {
        return vars(pg, table, TOPIC);
    }

    private static Map<String, String> vars(Postgres pg, String table, String topic) {
        return Map.of("url", pg.url(), "user", Postgres.USER, "password", Postgres.PASSWORD,
                "table", table, "topic", topic);
    }

    private static Map<String, String> debezium(Postgres pg, String table, String mode) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
        c.put("tasks.max", "1");
        c.put("topics", TOPIC);
        c.put("connection.url", pg.url());
        c.put("connection.username", Postgres.USER);
        c.put("connection.password", Postgres.PASSWORD);
        c.put("insert.mode", mode);
        c.put("primary.key.mode", "record_key");
        c.put("primary.key.fields", "id");
        c.put("schema.evolution", "none");
        c.put("table.name.format", table);
        c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        return c;
    }

    /**
     * Each config's repetitions on one worker of the runtime, each into a fresh table with a fresh connector (so a
     * fresh consumer group reading the topic from the start).
     */
    private static Map<String, Side> runSinks(BenchContext ctx, ConnectRuntime runtime, List<Path> plugins,
            Map<String, SinkConfig> configs) {
        return RepeatedRuns.onOneWorker(ctx, runtime, plugins, List.copyOf(configs.keySet()), Side::new,
                (side, run) -> side.warmedUp(run.rate()), (side, run) -> side.add(run.rate(), run.cost()), Side::fail,
                // steady once the rate and the run's worker CPU both agree: a JIT still at work shows in the latter
                run -> new double[] {run.rate(), run.cost().cpuSeconds()},
                (worker, key, rep) -> once(ctx, worker, key, configs.get(key), rep));
    }

    /** One connector run: rows/s from its creation to the last row, and what it cost the worker. */
    private record Run(double rate, WorkerCost cost) {
    }

    private static Run once(BenchContext ctx, ConnectWorker worker, String kind, SinkConfig config, String rep)
            throws Exception {
        Postgres pg = ctx.postgres();
        int n = ctx.options().jdbcRows();
        String name = "s3-" + worker.runtime().name().toLowerCase() + "-" + kind + "-" + rep;
        String table = name.replace('-', '_');
        pg.createTable(table);
        pg.checkpoint();
        long timeout = TimeUnit.SECONDS.toNanos(60 + n / 2_000);
        WorkerCost.Meter meter = worker.meter();
        long t0 = System.nanoTime();
        worker.createConnector(name, config.config(table));
        try {
            long nextHealth = t0 + TimeUnit.SECONDS.toNanos(1);
            long firstRows = -1;
            long count;
            while ((count = pg.countWhenComplete(table, n)) < n) {
                long now = System.nanoTime();
                if (firstRows < 0 && count > 0) {
                    firstRows = now;
                }
                if (now >= nextHealth) {
                    worker.checkHealthy(List.of(name));
                    nextHealth = now + TimeUnit.SECONDS.toNanos(1);
                }
                if (now - t0 > timeout) {
                    throw new IllegalStateException("timed out: " + pg.count(table) + "/" + n + " rows; "
                            + worker.rest().status(name));
                }
                Thread.sleep(100);
            }
            long done = System.nanoTime();
            WorkerCost cost = meter.stop();
            double rate = n / ((done - t0) / 1e9);
            Bench.log("  %s %s %s: %.0f rows/s (first rows after %.2f s, all after %.2f s); worker %.2f CPU-s per 1M rows,"
                    + " GC %.2f s, %.0f bytes allocated per row", worker.runtime().label(), kind, rep, rate,
                    firstRows < 0 ? Double.NaN : (firstRows - t0) / 1e9, (done - t0) / 1e9,
                    cost.cpuSeconds() * 1e6 / n, cost.gcSeconds(), cost.allocatedBytes() / n);
            return new Run(rate, cost);
        } finally {
            worker.deleteConnectors();
            pg.dropTable(table);
        }
    }
}
