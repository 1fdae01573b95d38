package io.sluice.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.sluice.bench.Row.Better;

/** Scenario 1: Apache's FileStreamSource → topic → FileStreamSink, the same plugin jar in both runtimes. */
public final class FrameworkScenario implements Scenario {

    static final String LABEL = "1 framework";

    /** The same connector configs for both runtimes: Apache's connect-file pair. */
    static final FilePipeline.Connectors APACHE_FILE_STREAM = new FilePipeline.Connectors() {
        @Override
        public Map<String, String> source(Path input, String topic) {
            return Map.of("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector",
                    "tasks.max", "1", "file", input.toString(), "topic", topic, "batch.size", "2000");
        }

        @Override
        public Map<String, String> sink(Path output, String topic) {
            return Map.of("connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector",
                    "tasks.max", "1", "file", output.toString(), "topics", topic);
        }
    };

    @Override
    public String id() {
        return "1";
    }

    @Override
    public String label() {
        return LABEL;
    }

    @Override
    public void run(BenchContext ctx) {
        List<Path> plugins = List.of(ctx.layout().thirdPartyPlugins());
        FilePipeline.Result sluice = FilePipeline.run(ctx, "s1", ConnectRuntime.SLUICE, plugins, APACHE_FILE_STREAM);
        FilePipeline.Result apache = apacheFileStream(ctx);
        ctx.put("s1.sluice", sluice);
        Report report = ctx.report();
        report.add(new Row(LABEL, "FileStreamSource records/s (topic holds all)", "records/s", Better.HIGHER,
                sluice.sourceRate(), "Apache", apache.sourceRate()));
        report.add(new Row(LABEL, "file -> topic -> file, end to end", "s", Better.LOWER,
                sluice.endToEnd(), "Apache", apache.endToEnd()));
        Row peak = new Row(StartupScenario.LABEL, "RSS peak under load (scenario 1)", "MiB", Better.LOWER,
                sluice.peakRss(), "Apache", apache.peakRss());
        report.add(peak);
        report.target("Memory: peak RSS under scenario 1 at most half of Apache's", 0.5, peak);
        Row cpu = FilePipeline.costRows(ctx, LABEL, "FileStreamSource -> topic -> FileStreamSink", sluice, apache);
        report.target("CPU: Apache's connect-file pair, Sluice's worker CPU-s per 1M records vs Apache's", 0.5, cpu);
    }

    /** Apache's pair on Apache's runtime; scenario 2 compares against the same figures, so they run once. */
    static FilePipeline.Result apacheFileStream(BenchContext ctx) {
        FilePipeline.Result cached = ctx.get("s1.apache");
        if (cached == null) {
            cached = FilePipeline.run(ctx, "s1", ConnectRuntime.APACHE, List.of(ctx.layout().thirdPartyPlugins()),
                    APACHE_FILE_STREAM);
            ctx.put("s1.apache", cached);
        }
        return cached;
    }
}
