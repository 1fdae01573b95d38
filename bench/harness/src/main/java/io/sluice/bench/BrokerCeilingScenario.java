package io.sluice.bench;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.sluice.bench.Row.Better;

/**
 * Scenario 7: the broker's own limit (kafka-tools ProducerPerformance, 3M+ records a run so producer and broker are
 * warm) for 100-byte records and for the JDBC scenarios' record size: the ceilings each source's rate is a share of.
 */
public final class BrokerCeilingScenario implements Scenario {

    static final String LABEL = "7 broker ceiling";
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec");

    @Override
    public String id() {
        return "7";
    }

    @Override
    public String label() {
        return LABEL;
    }

    /** Records per ProducerPerformance run: enough for a warm producer and broker, whatever --lines says. */
    static long ceilingRecords(Options options) {
        return Math.max(options.quick() ? 300_000 : 3_000_000, options.lines());
    }

    /** The bytes of one record of scenarios 3, 4 and 10 on the topic: its JSON-with-schema key and value. */
    static int jdbcRecordSize() {
        return Rows.keyJson(0).length() + Rows.valueJson(0).length();
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        Report report = ctx.report();
        Side defaults = measure(ctx, "default", 100, List.of());
        Side tuned = measure(ctx, "tuned", 100, TUNED);
        report.add(new Row(LABEL, "ProducerPerformance acks=all, defaults", "records/s", Better.HIGHER,
                null, "ceiling", defaults));
        report.add(new Row(LABEL, "ProducerPerformance acks=all, 256k batch lz4", "records/s", Better.HIGHER,
                null, "ceiling", tuned));
        FilePipeline.Result s1Sluice = ctx.get("s1.sluice");
        FilePipeline.Result s1Apache = ctx.get("s1.apache");
        FilePipeline.Result s2Sluice = ctx.get("s2.sluice");
        if (s1Sluice != null && s1Apache != null && defaults.ok()) {
            report.add(new Row(LABEL, "scenario 1 source rate as % of default ceiling", "%", Better.HIGHER,
                    percent(s1Sluice.sourceRate(), defaults.median()), "Apache",
                    percent(s1Apache.sourceRate(), defaults.median())));
        }
        if (s1Sluice != null && s1Apache != null && tuned.ok()) {
            report.add(new Row(LABEL, "scenario 1 source rate as % of tuned ceiling (100 B)", "%", Better.HIGHER,
                    percent(s1Sluice.sourceRate(), tuned.median()), "Apache",
                    percent(s1Apache.sourceRate(), tuned.median())));
        }
        if (s2Sluice != null && s1Apache != null && tuned.ok()) {
            report.add(new Row(LABEL, "scenario 2 source rate as % of tuned ceiling (100 B)", "%", Better.HIGHER,
                    percent(s2Sluice.sourceRate(), tuned.median()), "Apache",
                    percent(s1Apache.sourceRate(), tuned.median())));
        }
        if (!List.of("3", "4", "9", "10").stream().anyMatch(ctx.options()::runs)) {
            return;
        }
        int size = jdbcRecordSize();
        Side jdbcDefaults = measure(ctx, "default-" + size + "b", size, List.of());
        Side jdbcTuned = measure(ctx, "tuned-" + size + "b", size, TUNED);
        report.add(new Row(LABEL, "ProducerPerformance " + size + " B records, defaults", "records/s", Better.HIGHER,
                null, "ceiling", jdbcDefaults));
        report.add(new Row(LABEL, "ProducerPerformance " + size + " B records, 256k batch lz4", "records/s",
                Better.HIGHER, null, "ceiling", jdbcTuned));
        Side jdbcSource = ctx.get("s4.sluice");
        Side fetch = ctx.get("s4.fetch");
        if (jdbcSource != null && jdbcTuned.ok()) {
            report.add(new Row(LABEL, "scenario 4 JDBC source as % of tuned ceiling (" + size + " B)", "%",
                    Better.HIGHER, percent(jdbcSource, jdbcTuned.median()), null, null));
            if (fetch != null && fetch.ok()) {
                double bound = Math.min(fetch.median(), jdbcTuned.median());
                report.target("JDBC source >= 80% of min(bare fetch, producer ceiling for its record size)", 0.8,
                        Better.HIGHER, jdbcSource.ok() ? jdbcSource.median() / bound : Double.NaN);
            }
        }
    }

    static final List<String> TUNED = List.of("batch.size=262144", "linger.ms=5", "compression.type=lz4");

    private static Side percent(Side rate, double ceiling) {
        if (!rate.ok()) {
            return Side.failed(rate.error() == null ? "no figure" : rate.error());
        }
        Side out = new Side();
        rate.values().forEach(v -> out.add(100 * v / ceiling));
        return out;
    }

    /**
     * The producer settings Sluice's worker gives a source task (the runtime's {@code TaskClientConfigs.producer}):
     * the ceiling of what a task can send with them, no override.
     */
    static final Map<String, Object> WORKER_PRODUCER = Map.of("acks", "all", "enable.idempotence", "true",
            "linger.ms", "5", "batch.size", "262144", "compression.type", "none",
            "max.in.flight.requests.per.connection", "1", "buffer.memory", Long.toString(8L << 20));

    /** {@link #TUNED} with acks=all on the producer's own defaults, as ProducerPerformance runs it. */
    static Map<String, Object> tunedProducer() {
        Map<String, Object> props = new HashMap<>(Map.of("acks", "all"));
        TUNED.forEach(kv -> props.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1)));
        return props;
    }

    /** One timed write of records into a fresh topic named after {@code run}: its records/s. */
    interface Load {
        double once(BenchContext ctx, String run) throws Exception;
    }

    /** ProducerPerformance for records of {@code recordSize} bytes: warm-ups until steady, then the repetitions. */
    static Side measure(BenchContext ctx, String tag, int recordSize, List<String> extraProps) {
        return measure(ctx, tag, (c, run) -> producerPerformance(c, run, recordSize, extraProps));
    }

    /** A load's ceiling: warm-ups until two runs agree ({@link Warmup}), then the repetitions. */
    static Side measure(BenchContext ctx, String tag, Load load) {
        Side side = new Side();
        try {
            Warmup.untilSteady(side, i -> load.once(ctx, tag + "-w" + i));
            for (int rep = 1; rep <= ctx.options().repetitions(); rep++) {
                side.add(load.once(ctx, tag + "-" + rep));
            }
        } catch (Exception e) {
            side.fail(e.getMessage());
        }
        return side;
    }

    /**
     * A bare KafkaProducer in the harness writing {@code records} again, byte for byte, with {@code settings}:
     * records/s from the first send to the last ack. The ceiling for those very records, which compress as the
     * connector's did.
     */
    static double replay(BenchContext ctx, String run, CapturedRecords records, Map<String, Object> settings)
            throws Exception {
        String topic = "bench-replay-" + run;
        ctx.broker().createTopic(topic);
        Map<String, Object> config = new HashMap<>(settings);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.broker().bootstrap());
        AtomicReference<Exception> failed = new AtomicReference<>();
        Callback acked = (metadata, e) -> {
            if (e != null) {
                failed.compareAndSet(null, e);
            }
        };
        var bytes = new ByteArraySerializer();
        long t0;
        long t1;
        try (var producer = new KafkaProducer<>(config, bytes, bytes)) {
            // connected and the topic's leader known before the clock starts, as a running task's producer is
            producer.partitionsFor(topic);
            t0 = System.nanoTime();
            records.forEach((key, value) -> producer.send(new ProducerRecord<>(topic, 0, key, value), acked));
            producer.flush();
            t1 = System.nanoTime();
        }
        long written = ctx.broker().endOffset(topic);
        ctx.broker().deleteTopics(List.of(topic));
        if (failed.get() != null) {
            throw new IllegalStateException("replay " + run + " failed: " + failed.get().getMessage());
        }
        if (written != records.count()) {
            throw new IllegalStateException("replay " + run + " wrote " + written + " of " + records.count());
        }
        double rate = records.count() / ((t1 - t0) / 1e9);
        Bench.log("  replay %s (%,d records, %.0f B): %.0f records/s", run, records.count(), records.meanBytes(), rate);
        return rate;
    }

    private static double producerPerformance(BenchContext ctx, String run, int recordSize, List<String> extraProps)
            throws Exception {
        String topic = "bench-s7-" + run;
        ctx.broker().createTopic(topic);
        List<String> args = new ArrayList<>(List.of("--topic", topic,
                "--num-records", Long.toString(ceilingRecords(ctx.options())),
                "--record-size", Integer.toString(recordSize),
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + ctx.broker().bootstrap(), "acks=all"));
        args.addAll(extraProps);
        String name = "producer-perf-" + run;
        ManagedProcess perf = ManagedProcess.start(name,
                ManagedProcess.java(List.of("-Xmx512m", "-Dlog4j2.configurationFile=" + ctx.layout().log4jConfig()),
                        Layout.jarsIn(ctx.layout().kafkaLib()), "org.apache.kafka.tools.ProducerPerformance", args),
                ctx.layout().logs().resolve(name + ".log"), Map.of());
        int rc = perf.waitFor(Duration.ofMinutes(10));
        ctx.broker().deleteTopics(List.of(topic));
        if (rc != 0) {
            throw new IllegalStateException("ProducerPerformance exited " + rc + ": " + perf.logTail(5));
        }
        double rate = parse(Files.readString(perf.log()));
        Bench.log("  ProducerPerformance %s (%d B): %.0f records/s", run, recordSize, rate);
        return rate;
    }

    private static double parse(String output) {
        Matcher m = SUMMARY.matcher(output);
        double rate = Double.NaN;
        while (m.find()) {
            rate = Double.parseDouble(m.group(2));
        }
        if (Double.isNaN(rate)) {
            throw new IllegalStateException("no summary line in ProducerPerformance output");
        }
        return rate;
    }
}
