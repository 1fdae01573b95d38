package io.sluice.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.sluice.bench.Row.Better;

/** Scenario 6: launch to REST ready against the external broker, and resident memory when idle. */
public final class StartupScenario implements Scenario {

    static final String LABEL = "6 start-up/memory";
    private static final long SETTLE_SECONDS = 10;

    @Override
    public String id() {
        return "6";
    }

    @Override
    public String label() {
        return LABEL;
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        Side[] sluice = measure(ctx, ConnectRuntime.SLUICE);
        Side[] apache = measure(ctx, ConnectRuntime.APACHE);
        Report report = ctx.report();
        report.add(new Row(LABEL, "launch -> GET / answers 200", "s", Better.LOWER, sluice[0], "Apache", apache[0]));
        report.add(new Row(LABEL, "launch -> GET /connectors answers 200", "s", Better.LOWER,
                sluice[1], "Apache", apache[1]));
        Row idle = new Row(LABEL, "RSS idle (" + SETTLE_SECONDS + " s after REST ready)", "MiB", Better.LOWER,
                sluice[2], "Apache", apache[2]);
        report.add(idle);
        Side embedded = embedded(ctx);
        report.add(new Row(LABEL, "launch -> GET /connectors, embedded broker, existing data dir", "s", Better.LOWER,
                embedded, null, null));
        report.target("Start-up: launch -> REST ready with an external broker, seconds", 1.0, Better.LOWER,
                sluice[1].ok() ? sluice[1].median() : Double.NaN);
        report.target("Start-up: launch -> REST ready with the embedded broker on an existing data dir, seconds", 3.0,
                Better.LOWER, embedded.ok() ? embedded.median() : Double.NaN);
        report.target("Memory: idle RSS at most a third of Apache's", 1.0 / 3, idle);
    }

    /**
     * Sluice alone (Apache has no embedded broker): starts with its embedded broker on one data directory, the first
     * start formatting it (not counted), the next ones finding it: what `bin/connect config/standalone.properties`
     * costs from the second start on.
     */
    private static Side embedded(BenchContext ctx) throws Exception {
        String missing = ConnectRuntime.SLUICE.missing(ctx.layout());
        if (missing != null) {
            return Side.failed(missing);
        }
        java.nio.file.Path data = ctx.layout().work().resolve("embedded-kafka");
        Side side = new Side();
        try {
            java.util.Map<String, String> config = java.util.Map.of("embedded.kafka.dir", data.toString(),
                    "embedded.kafka.port", "0", "schema.registry.listeners", "http://127.0.0.1:0");
            for (int rep = 0; rep <= ctx.options().repetitions(); rep++) {
                try (ConnectWorker worker = ConnectWorker.start(ConnectRuntime.SLUICE, ctx.layout(), null,
                        List.of(ctx.layout().thirdPartyPlugins()), config)) {
                    Bench.log("  Sluice embedded-broker start %d%s: GET /connectors %.2f s", rep,
                            rep == 0 ? " (formats the data dir, not counted)" : "", worker.secondsToConnectors());
                    if (rep > 0) {
                        side.add(worker.secondsToConnectors());
                    }
                }
            }
        } catch (Exception e) {
            Bench.log("  Sluice embedded-broker start failed: %s", e.getMessage());
            side.fail("Sluice: " + e.getMessage());
        }
        return side;
    }

    private static Side[] measure(BenchContext ctx, ConnectRuntime runtime) throws InterruptedException {
        Side root = new Side();
        Side connectors = new Side();
        Side idle = new Side();
        String missing = runtime.missing(ctx.layout());
        if (missing != null) {
            return new Side[] {Side.failed(missing), Side.failed(missing), Side.failed(missing)};
        }
        int runs = ctx.options().repetitions() + 1;
        for (int rep = 0; rep < runs; rep++) {
            boolean warmup = rep == 0;
            try (ConnectWorker worker = ConnectWorker.start(runtime, ctx.layout(), ctx.broker(),
                    List.of(ctx.layout().thirdPartyPlugins()))) {
                if (warmup) {
                    Bench.log("  %s warm-up start: %.2f s", runtime.label(), worker.secondsToConnectors());
                    continue;
                }
                root.add(worker.secondsToRoot());
                connectors.add(worker.secondsToConnectors());
                long settleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
                while (System.nanoTime() < settleUntil) {
                    if (!worker.process().isAlive()) {
                        throw new IllegalStateException("worker exited while idle:\n" + worker.process().logTail(20));
                    }
                    Thread.sleep(250);
                }
                double rss = worker.process().rssBytes() / 1048576.0;
                idle.add(rss);
                Bench.log("  %s start %d: GET / %.2f s, GET /connectors %.2f s, idle RSS %.0f MiB",
                        runtime.label(), rep, worker.secondsToRoot(), worker.secondsToConnectors(), rss);
            } catch (Exception e) {
                String why = runtime.label() + ": " + e.getMessage();
                Bench.log("  %s start-up failed: %s", runtime.label(), e.getMessage());
                root.fail(why);
                connectors.fail(why);
                idle.fail(why);
                break;
            }
        }
        return new Side[] {root, connectors, idle};
    }
}
