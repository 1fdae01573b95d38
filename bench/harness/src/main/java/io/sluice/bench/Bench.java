package io.sluice.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Entry point: builds nothing (bench/run does), starts the broker, runs the scenarios, reports. */
public final class Bench {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Bench() {
    }

    /** Progress on stderr, so stdout carries only the table. */
    public static void log(String format, Object... args) {
        System.err.println("[bench " + LocalTime.now().format(TIME) + "] " + String.format(format, args));
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path bench = Path.of(System.getProperty("sluice.bench.dir", "bench")).toAbsolutePath().normalize();
        Layout layout = new Layout(bench.getParent(), bench, bench.resolve("target/work"));
        Layout.deleteTree(layout.work());
        Files.createDirectories(layout.logs());
        List<Scenario> scenarios = List.of(new FrameworkScenario(), new FileConnectorsScenario(),
                new JdbcSinkScenario(), new JdbcSourceScenario(), new S3SinkScenario(), new StartupScenario(),
                new BrokerCeilingScenario(), new ConnectorChangesScenario(), new CdcSourceScenario(),
                new AvroConverterScenario());
        Report report = new Report();
        long t0 = System.nanoTime();
        log("options %s; logs in %s", options.asMap(), layout.logs());
        try (KafkaBroker broker = KafkaBroker.start(layout)) {
            log("broker up at %s", broker.bootstrap());
            BenchContext ctx = new BenchContext(layout, options, broker, report);
            try {
                for (Scenario scenario : scenarios) {
                    if (!options.runs(scenario.id())) {
                        continue;
                    }
                    // PostgreSQL (started on first use) serves scenarios 3, 4, 9 and 10: its CPU is freed for the others
                    if (!List.of("1", "2", "3", "4", "9", "10").contains(scenario.id())) {
                        ctx.stopPostgres();
                    }
                    log("scenario %s", scenario.label());
                    try {
                        scenario.run(ctx);
                    } catch (Exception e) {
                        log("scenario %s failed: %s", scenario.label(), e);
                        report.failed(scenario.label(), String.valueOf(e.getMessage()));
                    }
                }
            } finally {
                ctx.close();
            }
        } catch (Exception e) {
            log("could not start the broker: %s", e.getMessage());
            report.failed("broker", e.getMessage());
        }
        report.printTable(System.out);
        Path json = report.writeJson(layout.results(), options.asMap(), options.full());
        log("done in %.0f s; results in %s%s", (System.nanoTime() - t0) / 1e9, json,
                options.full() ? " and " + layout.results().resolve("latest.json") : " (a partial run: latest.json kept)");
        System.out.flush();
        ManagedProcess.stopAll();
        System.exit(report.anyFailed() ? 1 : 0);
    }
}
