package io.sluice.bench;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.sluice.bench.Row.Better;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Scenario 10: the Avro converter (Confluent's wire format, Sluice's built-in registry) vs JsonConverter with schemas
 * on the same records, on one Sluice worker. Source side: the rows of scenario 3 as JSON lines, read by Sluice's file
 * source into structs and written by the converter under test (the file reading and parsing are the same on both
 * sides, so the difference is the converter's); records/s, the worker's CPU-seconds per million records
 * (/proc/PID/stat user + system), records per CPU-second (per core), and bytes per record in the topic. Sink side:
 * the same topic into PostgreSQL by Sluice's JDBC sink, which reads it with the same converter.
 */
public final class AvroConverterScenario implements Scenario {

    static final String LABEL = "10 avro vs json";
    private static final List<String> FORMATS = List.of("json", "avro");

    @Override
    public String id() {
        return "10";
    }

    @Override
    public String label() {
        return LABEL;
    }

    /** One run of one format: source → topic, then topic → PostgreSQL. */
    private record Figures(double sourceRate, double sourceCpuPerMillion, double bytesPerRecord,
                           double sinkRate, double sinkCpuPerMillion) {
    }

    private static final class Results {
        final Side sourceRate = new Side();
        final Side sourceCpu = new Side();
        final Side perCore = new Side();
        final Side bytes = new Side();
        final Side sinkRate = new Side();
        final Side sinkCpu = new Side();

        void add(Figures f) {
            sourceRate.add(f.sourceRate());
            sourceCpu.add(f.sourceCpuPerMillion());
            perCore.add(1e6 / f.sourceCpuPerMillion());
            bytes.add(f.bytesPerRecord());
            sinkRate.add(f.sinkRate());
            sinkCpu.add(f.sinkCpuPerMillion());
        }

        void fail(String why) {
            for (Side s : List.of(sourceRate, sourceCpu, perCore, bytes, sinkRate, sinkCpu)) {
                s.fail(why);
            }
        }
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        int n = ctx.options().jdbcRows();
        Path input = ctx.layout().work().resolve("input/rows.json");
        Files.createDirectories(input.getParent());
        try (BufferedWriter out = Files.newBufferedWriter(input, StandardCharsets.US_ASCII)) {
            for (int i = 0; i < n; i++) {
                out.write(Rows.payloadJson(i));
                out.write('\n');
            }
        }
        Postgres pg = ctx.postgres();
        String registry = "http://127.0.0.1:" + Layout.freePort();
        SluiceConnectors connectors = new SluiceConnectors(ctx.layout());
        Map<String, Results> results = new LinkedHashMap<>();
        FORMATS.forEach(f -> results.put(f, new Results()));
        String missing = ConnectRuntime.SLUICE.missing(ctx.layout());
        if (missing == null) {
            try {
                for (String f : FORMATS) {
                    connectors.config("rows.source." + f, Map.of("file", "-", "topic", "-", "registry", registry));
                    connectors.config("jdbc.sink." + f, sinkVars(pg, "-", "-", registry));
                }
            } catch (SluiceConnectors.MissingPlugin e) {
                missing = e.getMessage();
            }
        }
        if (missing != null) {
            Bench.log("  not run: %s", missing);
            for (Results r : results.values()) {
                r.fail(missing);
            }
        } else {
            // the worker serves the registry itself, on the bench's external broker (topic _schemas)
            try (ConnectWorker worker = ConnectWorker.start(ConnectRuntime.SLUICE, ctx.layout(), ctx.broker(),
                    List.of(ctx.layout().sluicePlugins()), Map.of("schema.registry.listeners", registry))) {
                for (int rep = 0; rep <= ctx.options().repetitions(); rep++) {
                    for (String f : FORMATS) {
                        String label = rep == 0 ? "warmup" : "r" + rep;
                        try {
                            Figures figures = once(ctx, worker, connectors, f, label, input, registry);
                            if (rep > 0) {
                                results.get(f).add(figures);
                            }
                        } catch (Exception e) {
                            Bench.log("  %s %s failed: %s", f, label, e.getMessage());
                            results.get(f).fail(f + " " + label + ": " + e.getMessage());
                        }
                    }
                }
            } catch (Exception e) {
                Bench.log("  Sluice worker failed: %s", e.getMessage());
                results.values().forEach(r -> r.fail("Sluice: " + e.getMessage()));
            }
        }
        Results avro = results.get("avro");
        Results json = results.get("json");
        Report report = ctx.report();
        String ref = "JsonConverter";
        report.add(new Row(LABEL, "source->topic records/s: AvroConverter vs JsonConverter", "records/s",
                Better.HIGHER, avro.sourceRate, ref, json.sourceRate));
        report.add(new Row(LABEL, "source->topic worker CPU per 1M records", "CPU-s", Better.LOWER,
                avro.sourceCpu, ref, json.sourceCpu));
        report.add(new Row(LABEL, "source->topic records per CPU-second (per core)", "records/s", Better.HIGHER,
                avro.perCore, ref, json.perCore));
        report.add(new Row(LABEL, "bytes per record in the topic (log size / records)", "bytes", Better.LOWER,
                avro.bytes, ref, json.bytes));
        report.add(new Row(LABEL, "topic->PostgreSQL JDBC sink insert rows/s", "rows/s", Better.HIGHER,
                avro.sinkRate, ref, json.sinkRate));
        report.add(new Row(LABEL, "topic->PostgreSQL worker CPU per 1M rows", "CPU-s", Better.LOWER,
                avro.sinkCpu, ref, json.sinkCpu));
    }

    private static Map<String, String> sinkVars(Postgres pg, String table, String topic, String registry) {
        return Map.of("url", pg.url(), "user", Postgres.USER, "password", Postgres.PASSWORD,
                "table", table, "topic", topic, "registry", registry);
    }

    private static Figures once(BenchContext ctx, ConnectWorker worker, SluiceConnectors connectors, String format,
            String rep, Path input, String registry) throws Exception {
        int n = ctx.options().jdbcRows();
        KafkaBroker broker = ctx.broker();
        Postgres pg = ctx.postgres();
        String topic = "bench-s10-" + format + "-" + rep;
        String table = "s10_" + format + "_" + rep;
        broker.createTopic(topic);
        pg.createTable(table);
        try {
            String source = "s10-source-" + format + "-" + rep;
            double[] src = measure(worker, source, n, () -> endOffset(broker, topic),
                    connectors.config("rows.source." + format,
                            Map.of("file", input.toString(), "topic", topic, "registry", registry)));
            double bytes = (double) logSize(broker, topic) / n;
            String sink = "s10-sink-" + format + "-" + rep;
            double[] snk = measure(worker, sink, n, () -> count(pg, table, n),
                    connectors.config("jdbc.sink." + format, sinkVars(pg, table, topic, registry)));
            Bench.log("  %s %s: source %.0f records/s, %.2f CPU-s/1M, %.1f bytes/record; sink %.0f rows/s, "
                    + "%.2f CPU-s/1M", format, rep, src[0], src[1], bytes, snk[0], snk[1]);
            return new Figures(src[0], src[1], bytes, snk[0], snk[1]);
        } finally {
            worker.deleteConnectors();
            pg.dropTable(table);
            broker.deleteTopics(List.of(topic));
        }
    }

    /**
     * Creates the connector, waits until {@code progress} reaches n, and deletes it: {records/s, worker CPU-seconds
     * per million records} from its creation to the last record.
     */
    private static double[] measure(ConnectWorker worker, String name, int n, LongSupplier progress,
            Map<String, String> config) throws Exception {
        long timeout = TimeUnit.SECONDS.toNanos(60 + n / 2_000);
        WorkerCost.Meter meter = worker.meter();
        long t0 = System.nanoTime();
        worker.createConnector(name, config);
        long nextHealth = t0 + TimeUnit.SECONDS.toNanos(1);
        while (progress.getAsLong() < n) {
            long now = System.nanoTime();
            if (now >= nextHealth) {
                worker.checkHealthy(List.of(name));
                nextHealth = now + TimeUnit.SECONDS.toNanos(1);
            }
            if (now - t0 > timeout) {
                throw new IllegalStateException("timed out: " + progress.getAsLong() + "/" + n + "; "
                        + worker.rest().status(name));
            }
            Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = meter.stop().cpuSeconds();
        worker.deleteConnectors();
        return new double[] {n / seconds, cpu / n * 1e6};
    }

    private static long endOffset(KafkaBroker broker, String topic) {
        try {
            return broker.endOffset(topic);
        } catch (Exception e) {
            return -1; // the next poll asks again
        }
    }

    private static long count(Postgres pg, String table, int n) {
        try {
            return pg.countWhenComplete(table, n);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Bytes the topic's one partition holds on the broker's disk (records with their batch headers). */
    private static long logSize(KafkaBroker broker, String topic) throws Exception {
        int node = broker.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next().id();
        Map<String, LogDirDescription> dirs = broker.admin().describeLogDirs(List.of(node)).descriptions().get(node)
                .get(30, TimeUnit.SECONDS);
        long size = 0;
        for (LogDirDescription dir : dirs.values()) {
            ReplicaInfo info = dir.replicaInfos().get(new TopicPartition(topic, 0));
            if (info != null) {
                size += info.size();
            }
        }
        return size;
    }
}
