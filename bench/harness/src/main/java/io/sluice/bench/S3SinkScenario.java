package io.sluice.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.sluice.bench.Row.Better;

/** Scenario 5: topic → S3. Sluice's S3 sink vs raw PUTs of the same bytes to the same s3proxy. */
public final class S3SinkScenario implements Scenario {

    static final String LABEL = "5 topic->s3";
    private static final String TOPIC = "bench-s5-lines";
    private static final String BUCKET = "bench";
    /** Records per object, for the sink's flush size and the raw PUTs alike (~1 MB objects). */
    private static final int FLUSH_SIZE = 10_000;

    @Override
    public String id() {
        return "5";
    }

    @Override
    public String label() {
        return LABEL;
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        int n = ctx.options().lines();
        S3Proxy s3 = ManagedProcess.closeAtExit(S3Proxy.start(ctx.layout()));
        try {
            run(ctx, s3, n);
        } finally {
            // stopped here so it does not share the cores with later scenarios
            ManagedProcess.release(s3);
        }
    }

    private static void run(BenchContext ctx, S3Proxy s3, int n) throws Exception {
        s3.createBucket(BUCKET);
        Side raw = new Side();
        for (int rep = 0; rep <= ctx.options().repetitions(); rep++) {
            long t0 = System.nanoTime();
            for (int first = 0; first < n; first += FLUSH_SIZE) {
                ByteArrayOutputStream object = new ByteArrayOutputStream(FLUSH_SIZE * 101);
                for (int i = first; i < Math.min(n, first + FLUSH_SIZE); i++) {
                    object.writeBytes(BenchContext.line(i).getBytes(StandardCharsets.US_ASCII));
                    object.write('\n');
                }
                s3.put(BUCKET, "raw-" + rep + "/" + TOPIC + "+0+" + String.format("%010d", first), object.toByteArray());
            }
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            Bench.log("  raw PUTs %s: %.0f records/s (%.1f MB/s)", rep == 0 ? "warm-up" : "run " + rep, rate,
                    rate * 101 / 1e6);
            if (rep > 0) {
                raw.add(rate);
            }
        }
        ctx.report().add(new Row(LABEL, "Sluice S3 sink vs raw PUTs of the same bytes", "records/s", Better.HIGHER,
                sluice(ctx, s3, n), "raw PUT", raw));
    }

    private static Side sluice(BenchContext ctx, S3Proxy s3, int n) throws Exception {
        SluiceConnectors connectors = new SluiceConnectors(ctx.layout());
        try {
            connectors.config("s3.sink", Map.of());
        } catch (SluiceConnectors.MissingPlugin e) {
            Bench.log("  Sluice S3 sink not run: %s", e.getMessage());
            return Side.failed(e.getMessage());
        }
        String missing = ConnectRuntime.SLUICE.missing(ctx.layout());
        if (missing != null) {
            return Side.failed(missing);
        }
        ctx.broker().produce(TOPIC, n, null, BenchContext::line);
        Side side = new Side();
        try (ConnectWorker worker = ConnectWorker.start(ConnectRuntime.SLUICE, ctx.layout(), ctx.broker(),
                List.of(ctx.layout().thirdPartyPlugins(), ctx.layout().sluicePlugins()))) {
            for (int rep = 0; rep <= ctx.options().repetitions(); rep++) {
                String name = "s5-sluice-" + rep;
                String prefix = "sink-" + rep;
                Map<String, String> config = connectors.config("s3.sink", Map.of("endpoint", s3.endpoint(),
                        "bucket", BUCKET, "prefix", prefix, "topic", TOPIC,
                        "flush_size", Integer.toString(FLUSH_SIZE)));
                long want = (long) n * 100;
                long timeout = TimeUnit.SECONDS.toNanos(60 + n / 5_000);
                long t0 = System.nanoTime();
                worker.createConnector(name, config);
                try {
                    long nextHealth = t0 + TimeUnit.SECONDS.toNanos(1);
                    while (s3.bytesUnder(BUCKET, prefix) < want) {
                        long now = System.nanoTime();
                        if (now >= nextHealth) {
                            worker.checkHealthy(List.of(name));
                            nextHealth = now + TimeUnit.SECONDS.toNanos(1);
                        }
                        if (now - t0 > timeout) {
                            throw new IllegalStateException("timed out: " + s3.bytesUnder(BUCKET, prefix) + "/" + want
                                    + " bytes; " + worker.rest().status(name));
                        }
                        Thread.sleep(100);
                    }
                    double rate = n / ((System.nanoTime() - t0) / 1e9);
                    Bench.log("  Sluice S3 sink %s: %.0f records/s", rep == 0 ? "warm-up" : "run " + rep, rate);
                    if (rep > 0) {
                        side.add(rate);
                    }
                } finally {
                    worker.deleteConnectors();
                }
            }
        } catch (Exception e) {
            Bench.log("  Sluice S3 sink failed: %s", e.getMessage());
            side.fail("Sluice: " + e.getMessage());
        }
        return side;
    }
}
