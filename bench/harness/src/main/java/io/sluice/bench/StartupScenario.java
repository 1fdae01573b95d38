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
        Side[] floor = floor(ctx);
        Side[] apache = measure(ctx, ConnectRuntime.APACHE);
        Report report = ctx.report();
        report.add(new Row(LABEL, "launch -> GET / answers 200", "s", Better.LOWER, sluice[0], "Apache", apache[0]));
        report.add(new Row(LABEL, "launch -> GET /connectors answers 200", "s", Better.LOWER,
                sluice[1], "Apache", apache[1]));
        report.add(new Row(LABEL, "launch -> REST ready, external broker, vs the floor (" + StartFloor.WHAT + ")", "s",
                Better.LOWER, sluice[1], "floor", floor[0]));
        report.add(new Row(LABEL, "CPU-s at REST ready, external broker, vs the floor", "CPU-s", Better.LOWER,
                sluice[3], "floor", floor[1]));
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
        Side cpu = new Side();
        String missing = runtime.missing(ctx.layout());
        if (missing != null) {
            return new Side[] {Side.failed(missing), Side.failed(missing), Side.failed(missing), Side.failed(missing)};
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
                cpu.add(worker.cpuSecondsAtReady());
                long settleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
                while (System.nanoTime() < settleUntil) {
                    if (!worker.process().isAlive()) {
                        throw new IllegalStateException("worker exited while idle:\n" + worker.process().logTail(20));
                    }
                    Thread.sleep(250);
                }
                double rss = worker.process().rssBytes() / 1048576.0;
                idle.add(rss);
                Bench.log("  %s start %d: GET / %.2f s, GET /connectors %.2f s (%.2f CPU-s), idle RSS %.0f MiB",
                        runtime.label(), rep, worker.secondsToRoot(), worker.secondsToConnectors(),
                        worker.cpuSecondsAtReady(), rss);
            } catch (Exception e) {
                String why = runtime.label() + ": " + e.getMessage();
                Bench.log("  %s start-up failed: %s", runtime.label(), e.getMessage());
                root.fail(why);
                connectors.fail(why);
                idle.fail(why);
                cpu.fail(why);
                break;
            }
        }
        return new Side[] {root, connectors, idle, cpu};
    }

    /**
     * The floor under Sluice's start, measured in the same run and the same way (launch to the first 200 from
     * {@code GET /}, CPU-seconds then): {@link StartFloor} on Sluice's class path and class-data-sharing archive, with
     * the same heap and Log4j configuration. The first start warms the page cache and is not counted.
     */
    private static Side[] floor(BenchContext ctx) throws InterruptedException {
        Side wall = new Side();
        Side cpu = new Side();
        Layout layout = ctx.layout();
        String missing = ConnectRuntime.SLUICE.missing(layout);
        if (missing != null) {
            return new Side[] {Side.failed(missing), Side.failed(missing)};
        }
        for (int rep = 0; rep <= ctx.options().repetitions(); rep++) {
            int port = Layout.freePort();
            try (ManagedProcess probe = ManagedProcess.start("start-floor-" + rep,
                    ManagedProcess.java(floorJvmOptions(layout), floorClasspath(layout),
                            StartFloor.class.getName(), List.of(Integer.toString(port), ctx.broker().bootstrap())),
                    layout.logs().resolve("start-floor-" + rep + ".log"), java.util.Map.of())) {
                double[] ready = awaitFloor(probe, port, TimeUnit.SECONDS.toNanos(120));
                Bench.log("  floor start %d%s: GET / %.2f s (%.2f CPU-s)", rep, rep == 0 ? " (warm-up)" : "", ready[0],
                        ready[1]);
                if (rep > 0) {
                    wall.add(ready[0]);
                    cpu.add(ready[1]);
                }
            } catch (Exception e) {
                Bench.log("  floor start failed: %s", e.getMessage());
                wall.fail("floor: " + e.getMessage());
                cpu.fail("floor: " + e.getMessage());
                break;
            }
        }
        return new Side[] {wall, cpu};
    }

    /**
     * bin/connect's heap and the class-data-sharing archive it maps for an external-broker start (when the build wrote
     * one), the workers' Log4j configuration.
     */
    private static List<String> floorJvmOptions(Layout layout) {
        List<String> jvm = new java.util.ArrayList<>(ConnectRuntime.HEAP_OPTIONS);
        java.nio.file.Path archive = layout.sluiceJar().resolveSibling("sluice-cds-external.jsa");
        if (java.nio.file.Files.isRegularFile(archive)) {
            jvm.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        }
        jvm.add("-Dlog4j2.configurationFile=" + layout.log4jConfig());
        return jvm;
    }

    /** Sluice's class path as bin/connect sets it, then this harness's jar (appended: the archive's path stays a prefix). */
    private static String floorClasspath(Layout layout) throws java.net.URISyntaxException {
        String harness = java.nio.file.Path.of(StartFloor.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        return ConnectRuntime.SLUICE.classpath(layout) + ":" + harness;
    }

    /** Polls GET / as {@link ConnectWorker} does; seconds from launch to the first 200, and CPU-seconds then. */
    private static double[] awaitFloor(ManagedProcess probe, int port, long timeoutNanos) throws Exception {
        Rest rest = new Rest("http://127.0.0.1:" + port);
        long deadline = probe.startNanos() + timeoutNanos;
        while (System.nanoTime() < deadline) {
            if (!probe.isAlive()) {
                throw new IllegalStateException("the floor's JVM exited before answering:\n" + probe.logTail(20));
            }
            try {
                if (rest.get("/").status() == 200) {
                    long now = System.nanoTime();
                    return new double[] {(now - probe.startNanos()) / 1e9, probe.cpuSeconds()};
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the floor's JVM did not answer in time:\n" + probe.logTail(20));
    }
}
