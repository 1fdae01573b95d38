package io.sluice.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.sluice.bench.Row.Better;

/** Scenario 4: PostgreSQL → topic. Sluice's JDBC source vs a plain pgjdbc fetch of the same rows. */
public final class JdbcSourceScenario implements Scenario {

    static final String LABEL = "4 postgres->topic";
    private static final String TABLE = "s4_rows";

    @Override
    public String id() {
        return "4";
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
        Side fetch = new Side();
        Warmup.untilSteady(fetch, i -> fetchOnce(pg, "warm-up " + (i + 1)));
        for (int rep = 1; rep <= ctx.options().repetitions(); rep++) {
            fetch.add(fetchOnce(pg, "run " + rep));
        }
        Side sluice = sluice(ctx, pg, n);
        ctx.put("s4.sluice", sluice);
        ctx.put("s4.fetch", fetch);
        ctx.report().add(new Row(LABEL, "Sluice JDBC source (from its first row) vs plain pgjdbc fetch", "rows/s",
                Better.HIGHER, sluice, "pgjdbc", fetch));
    }

    private static double fetchOnce(Postgres pg, String run) throws Exception {
        long t0 = System.nanoTime();
        long rows = pg.fetchAll(TABLE);
        double rate = rows / ((System.nanoTime() - t0) / 1e9);
        Bench.log("  pgjdbc fetch %s: %.0f rows/s", run, rate);
        return rate;
    }

    private static Side sluice(BenchContext ctx, Postgres pg, int n) throws Exception {
        SluiceConnectors connectors = new SluiceConnectors(ctx.layout());
        try {
            connectors.config("jdbc.source", Map.of());
        } catch (SluiceConnectors.MissingPlugin e) {
            Bench.log("  Sluice JDBC source not run: %s", e.getMessage());
            return Side.failed(e.getMessage());
        }
        String missing = ConnectRuntime.SLUICE.missing(ctx.layout());
        if (missing != null) {
            return Side.failed(missing);
        }
        Side side = new Side();
        try (ConnectWorker worker = ConnectWorker.start(ConnectRuntime.SLUICE, ctx.layout(), ctx.broker(),
                List.of(ctx.layout().thirdPartyPlugins(), ctx.layout().sluicePlugins()))) {
            Warmup.untilSteady(side, i -> sourceOnce(ctx, worker, connectors, pg, n, "w" + i, null));
            for (int rep = 1; rep <= ctx.options().repetitions(); rep++) {
                sourceOnce(ctx, worker, connectors, pg, n, Integer.toString(rep), side);
            }
        } catch (Exception e) {
            Bench.log("  Sluice JDBC source failed: %s", e.getMessage());
            side.fail("Sluice: " + e.getMessage());
        }
        return side;
    }

    /** One run of the source into a fresh topic: rows/s from its first row; a measured run is added to {@code measured}. */
    private static double sourceOnce(BenchContext ctx, ConnectWorker worker, SluiceConnectors connectors, Postgres pg,
            int n, String run, Side measured) throws Exception {
        String name = "s4-sluice-" + run;
        String topic = "bench-" + name;
        ctx.broker().createTopic(topic);
        Map<String, String> config = connectors.config("jdbc.source", Map.of("url", pg.url(),
                "user", Postgres.USER, "password", Postgres.PASSWORD, "table", TABLE, "topic", topic));
        long timeout = TimeUnit.SECONDS.toNanos(60 + n / 2_000);
        WorkerCost.Meter meter = worker.meter();
        long t0 = System.nanoTime();
        worker.createConnector(name, config);
        try {
            long nextHealth = t0 + TimeUnit.SECONDS.toNanos(1);
            // the baseline is a bare fetch with no start-up, so the source is timed from its first row:
            // connector start, table discovery and task start are not throughput
            long firstSeen = -1;
            long firstOffset = 0;
            long end;
            while ((end = ctx.broker().endOffset(topic)) < n) {
                long now = System.nanoTime();
                if (firstSeen < 0 && end > 0) {
                    firstSeen = now;
                    firstOffset = end;
                }
                if (now >= nextHealth) {
                    worker.checkHealthy(List.of(name));
                    nextHealth = now + TimeUnit.SECONDS.toNanos(1);
                }
                if (now - t0 > timeout) {
                    throw new IllegalStateException("timed out: " + ctx.broker().endOffset(topic) + "/" + n
                            + " records; " + worker.rest().status(name));
                }
                Thread.sleep(50);
            }
            long done = System.nanoTime();
            double rate = firstSeen < 0 || firstOffset >= n ? n / ((done - t0) / 1e9)
                    : (n - firstOffset) / ((done - firstSeen) / 1e9);
            WorkerCost cost = meter.stop();
            Bench.log("  Sluice JDBC source %s: %.0f rows/s (%.2f s from creation to the last row); worker "
                    + "%.2f CPU-s per 1M rows, %.0f bytes allocated per row", run, rate, (done - t0) / 1e9,
                    cost.cpuSeconds() * 1e6 / n, cost.allocatedBytes() / n);
            if (measured != null) {
                measured.add(rate, cost);
            }
            return rate;
        } finally {
            worker.deleteConnectors();
            ctx.broker().deleteTopics(List.of(topic));
        }
    }
}
