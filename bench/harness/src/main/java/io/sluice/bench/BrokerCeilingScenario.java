package io.sluice.bench;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sluice.bench.Row.Better;

/** Scenario 7: the broker's own limit for 100-byte records (kafka-tools ProducerPerformance), the ceiling. */
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

    @Override
    public void run(BenchContext ctx) throws Exception {
        Side defaults = measure(ctx, "default", List.of());
        Side tuned = measure(ctx, "tuned", List.of("batch.size=262144", "linger.ms=5", "compression.type=lz4"));
        Report report = ctx.report();
        report.add(new Row(LABEL, "ProducerPerformance acks=all, defaults", "records/s", Better.HIGHER,
                null, "ceiling", defaults));
        report.add(new Row(LABEL, "ProducerPerformance acks=all, 256k batch lz4", "records/s", Better.HIGHER,
                null, "ceiling", tuned));
        FilePipeline.Result sluice = ctx.get("s1.sluice");
        FilePipeline.Result apache = ctx.get("s1.apache");
        if (sluice != null && apache != null && defaults.ok()) {
            report.add(new Row(LABEL, "scenario 1 source rate as % of default ceiling", "%", Better.HIGHER,
                    percent(sluice.sourceRate(), defaults.median()), "Apache",
                    percent(apache.sourceRate(), defaults.median())));
        }
    }

    private static Side percent(Side rate, double ceiling) {
        if (!rate.ok()) {
            return Side.failed(rate.error() == null ? "no figure" : rate.error());
        }
        Side out = new Side();
        rate.values().forEach(v -> out.add(100 * v / ceiling));
        return out;
    }

    private static Side measure(BenchContext ctx, String tag, List<String> extraProps) throws Exception {
        Side side = new Side();
        int runs = ctx.options().repetitions() + 1;
        for (int rep = 0; rep < runs; rep++) {
            String topic = "bench-s7-" + tag + "-" + rep;
            ctx.broker().createTopic(topic);
            List<String> args = new ArrayList<>(List.of("--topic", topic,
                    "--num-records", Integer.toString(ctx.options().lines()), "--record-size", "100",
                    "--throughput", "-1", "--producer-props", "bootstrap.servers=" + ctx.broker().bootstrap(),
                    "acks=all"));
            args.addAll(extraProps);
            String name = "producer-perf-" + tag + "-" + rep;
            ManagedProcess perf = ManagedProcess.start(name,
                    ManagedProcess.java(List.of("-Xmx512m", "-Dlog4j2.configurationFile=" + ctx.layout().log4jConfig()),
                            Layout.jarsIn(ctx.layout().kafkaLib()), "org.apache.kafka.tools.ProducerPerformance", args),
                    ctx.layout().logs().resolve(name + ".log"), Map.of());
            int rc = perf.waitFor(Duration.ofMinutes(5));
            ctx.broker().deleteTopics(List.of(topic));
            if (rc != 0) {
                side.fail("ProducerPerformance exited " + rc + ": " + perf.logTail(5));
                return side;
            }
            double rate = parse(Files.readString(perf.log()));
            Bench.log("  ProducerPerformance %s %s: %.0f records/s", tag, rep == 0 ? "warm-up" : "run " + rep, rate);
            if (rep > 0) {
                side.add(rate);
            }
        }
        return side;
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
