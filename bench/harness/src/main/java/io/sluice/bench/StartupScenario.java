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
        report.add(new Row(LABEL, "RSS idle (" + SETTLE_SECONDS + " s after REST ready)", "MiB", Better.LOWER,
                sluice[2], "Apache", apache[2]));
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
