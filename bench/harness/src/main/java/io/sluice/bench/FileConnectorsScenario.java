package io.sluice.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.sluice.bench.Row.Better;

/** Scenario 2: Sluice's file source and sink on Sluice vs Apache's FileStream pair on Apache. */
public final class FileConnectorsScenario implements Scenario {

    static final String LABEL = "2 file connectors";

    @Override
    public String id() {
        return "2";
    }

    @Override
    public String label() {
        return LABEL;
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        SluiceConnectors sluiceConnectors = new SluiceConnectors(ctx.layout());
        FilePipeline.Connectors ours = new FilePipeline.Connectors() {
            @Override
            public Map<String, String> source(Path input, String topic) throws Exception {
                return sluiceConnectors.config("file.source", Map.of("file", input.toString(), "topic", topic));
            }

            @Override
            public Map<String, String> sink(Path output, String topic) throws Exception {
                return sluiceConnectors.config("file.sink", Map.of("file", output.toString(), "topic", topic));
            }
        };
        FilePipeline.Result sluice;
        try {
            // fail before starting a worker when the plugin is not there
            ours.source(Path.of("check"), "check");
            ours.sink(Path.of("check"), "check");
            sluice = FilePipeline.run(ctx, "s2", ConnectRuntime.SLUICE,
                    List.of(ctx.layout().thirdPartyPlugins(), ctx.layout().sluicePlugins()), ours);
        } catch (SluiceConnectors.MissingPlugin e) {
            Bench.log("  Sluice side not run: %s", e.getMessage());
            sluice = FilePipeline.Result.failed(e.getMessage());
        }
        ctx.put("s2.sluice", sluice);
        FilePipeline.Result apache = FrameworkScenario.apacheFileStream(ctx);
        ctx.report().add(new Row(LABEL, "source records/s (ours vs FileStreamSource)", "records/s", Better.HIGHER,
                sluice.sourceRate(), "Apache", apache.sourceRate()));
        ctx.report().add(new Row(LABEL, "file -> topic -> file, end to end", "s", Better.LOWER,
                sluice.endToEnd(), "Apache", apache.endToEnd()));
        Row cpu = FilePipeline.costRows(ctx, LABEL, "Sluice's file pair vs Apache's FileStream pair", sluice, apache);
        ctx.report().target("CPU: Sluice's own file pair, worker CPU-s per 1M records vs Apache's FileStream pair",
                1.0 / 3, cpu);
    }
}
