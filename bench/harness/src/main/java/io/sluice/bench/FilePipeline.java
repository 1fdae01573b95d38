package io.sluice.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a file source → topic → file sink pipeline on one runtime: one worker, warm-up runs until steady
 * ({@link Warmup}) and the measured repetitions, each with a fresh topic, fresh connector names and a fresh sink file;
 * the end-to-end side carries each repetition's worker cost.
 */
public final class FilePipeline {

    /** Builds the two connector configs of one repetition. */
    public interface Connectors {
        Map<String, String> source(Path input, String topic) throws Exception;

        Map<String, String> sink(Path output, String topic) throws Exception;
    }

    /** Per repetition: source records/s, seconds end to end, peak RSS (MiB) while it ran. */
    public record Result(Side sourceRate, Side endToEnd, Side peakRss) {
        static Result failed(String why) {
            return new Result(Side.failed(why), Side.failed(why), Side.failed(why));
        }
    }

    private FilePipeline() {
    }

    public static Result run(BenchContext ctx, String tag, ConnectRuntime runtime, List<Path> pluginDirs,
            Connectors connectors) {
        String missing = runtime.missing(ctx.layout());
        if (missing != null) {
            return Result.failed(missing);
        }
        Result result = new Result(new Side(), new Side(), new Side());
        try (ConnectWorker worker = ConnectWorker.start(runtime, ctx.layout(), ctx.broker(), pluginDirs)) {
            String prefix = tag + "-" + runtime.name().toLowerCase() + "-";
            Warmup.untilSteady(result.endToEnd(), i -> {
                Bench.log("  %s %s warm-up %d", runtime.label(), tag, i + 1);
                Measured m = once(ctx, worker, prefix + "w" + i, connectors);
                m.log(ctx.options().lines());
                result.sourceRate().warmedUp(m.rate);
                return m.seconds;
            });
            for (int rep = 1; rep <= ctx.options().repetitions(); rep++) {
                Bench.log("  %s %s run %d", runtime.label(), tag, rep);
                Measured m = once(ctx, worker, prefix + rep, connectors);
                m.log(ctx.options().lines());
                result.sourceRate().add(m.rate);
                result.endToEnd().add(m.seconds, m.cost);
                result.peakRss().add(m.rssMiB);
            }
        } catch (Exception e) {
            Bench.log("  %s %s failed: %s", runtime.label(), tag, e.getMessage());
            String why = runtime.label() + ": " + e.getMessage();
            result.sourceRate().fail(why);
            result.endToEnd().fail(why);
            result.peakRss().fail(why);
        }
        return result;
    }

    /**
     * Adds the worker-cost rows of a pipeline (CPU-seconds per 1M records, GC seconds, bytes allocated per record, all
     * per end-to-end run) for Sluice against Apache; returns the CPU row.
     */
    static Row costRows(BenchContext ctx, String label, String what, Result sluice, Result apache) {
        long records = ctx.options().lines();
        Row cpu = new Row(label, "worker CPU-s per 1M records: " + what, "CPU-s", Row.Better.LOWER,
                sluice.endToEnd().cpuPerMillion(records), "Apache", apache.endToEnd().cpuPerMillion(records));
        ctx.report().add(cpu);
        ctx.report().add(new Row(label, "worker GC seconds per run: " + what, "s", Row.Better.LOWER,
                sluice.endToEnd().gcSeconds(), "Apache", apache.endToEnd().gcSeconds()));
        ctx.report().add(new Row(label, "worker bytes allocated per record: " + what, "bytes", Row.Better.LOWER,
                sluice.endToEnd().allocatedPerRecord(records), "Apache",
                apache.endToEnd().allocatedPerRecord(records)));
        return cpu;
    }

    /**
     * Bytes the sink wrote: the file itself (Apache's FileStreamSink), or the data files of an output
     * directory (Sluice's sink: per-partition files, without its checkpoint files).
     */
    static long outputBytes(Path output) throws java.io.IOException {
        if (!Files.exists(output)) {
            return 0;
        }
        if (!Files.isDirectory(output)) {
            return Files.size(output);
        }
        long total = 0;
        try (var files = Files.list(output)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && !name.endsWith(".checkpoint") && !name.endsWith(".tmp")) {
                    total += Files.size(p);
                }
            }
        }
        return total;
    }

    private static void deleteRecursively(Path path) throws java.io.IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private record Measured(double rate, double seconds, double rssMiB, WorkerCost cost) {
        void log(long records) {
            Bench.log("    source %.0f records/s, end to end %.2f s, peak RSS %.0f MiB; worker %.2f CPU-s per 1M records,"
                    + " GC %.2f s, %.0f bytes allocated per record", rate, seconds, rssMiB,
                    cost.cpuSeconds() * 1e6 / records, cost.gcSeconds(), cost.allocatedBytes() / records);
        }
    }

    private static Measured once(BenchContext ctx, ConnectWorker worker, String name, Connectors connectors)
            throws Exception {
        KafkaBroker broker = ctx.broker();
        Path input = ctx.linesFile();
        long records = ctx.options().lines();
        long bytes = ctx.linesBytes();
        String topic = "bench-" + name;
        Path output = ctx.layout().work().resolve("files").resolve(name + ".out");
        Files.createDirectories(output.getParent());
        deleteRecursively(output);
        broker.createTopic(topic);
        String source = name + "-source";
        String sink = name + "-sink";
        Map<String, String> sourceConfig = connectors.source(input, topic);
        Map<String, String> sinkConfig = connectors.sink(output, topic);
        long timeout = TimeUnit.SECONDS.toNanos(60 + records / 5_000);
        WorkerCost.Meter meter = worker.meter();
        long t0 = System.nanoTime();
        worker.createConnector(source, sourceConfig);
        worker.createConnector(sink, sinkConfig);
        long sourceDone = -1;
        long sinkDone = -1;
        long peakRss = 0;
        WorkerCost cost;
        long nextSample = 0;
        long nextHealth = t0 + TimeUnit.SECONDS.toNanos(1);
        try {
            while (sourceDone < 0 || sinkDone < 0) {
                long now = System.nanoTime();
                if (sourceDone < 0 && broker.endOffset(topic) >= records) {
                    sourceDone = System.nanoTime();
                }
                if (sinkDone < 0 && outputBytes(output) >= bytes) {
                    sinkDone = System.nanoTime();
                }
                if (now >= nextSample) {
                    peakRss = Math.max(peakRss, worker.process().rssBytes());
                    nextSample = now + TimeUnit.MILLISECONDS.toNanos(200);
                }
                if (now >= nextHealth) {
                    worker.checkHealthy(List.of(source, sink));
                    nextHealth = now + TimeUnit.SECONDS.toNanos(1);
                }
                if (now - t0 > timeout) {
                    throw new IllegalStateException("timed out after " + (now - t0) / 1_000_000_000 + " s: topic "
                            + broker.endOffset(topic) + "/" + records + " records, sink file "
                            + outputBytes(output) + "/" + bytes + " bytes; "
                            + source + " " + worker.rest().status(source) + ", " + sink + " "
                            + worker.rest().status(sink));
                }
                Thread.sleep(20);
            }
            peakRss = Math.max(peakRss, worker.process().rssBytes());
            cost = meter.stop();
        } finally {
            worker.deleteConnectors();
            broker.deleteTopics(List.of(topic));
        }
        long written = outputBytes(output);
        deleteRecursively(output);
        if (written != bytes) {
            throw new IllegalStateException("sink file has " + written + " bytes, expected " + bytes);
        }
        return new Measured(records / ((sourceDone - t0) / 1e9), (sinkDone - t0) / 1e9, peakRss / 1048576.0, cost);
    }
}
