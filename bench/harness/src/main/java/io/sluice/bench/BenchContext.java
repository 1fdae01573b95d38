package io.sluice.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** What scenarios share: layout, options, the broker, the report, generated data and earlier results. */
public final class BenchContext implements AutoCloseable {

    private final Layout layout;
    private final Options options;
    private final KafkaBroker broker;
    private final Report report;
    private final Map<String, Object> shared = new HashMap<>();
    private Path lines;

    public BenchContext(Layout layout, Options options, KafkaBroker broker, Report report) {
        this.layout = layout;
        this.options = options;
        this.broker = broker;
        this.report = report;
    }

    public Layout layout() {
        return layout;
    }

    public Options options() {
        return options;
    }

    public KafkaBroker broker() {
        return broker;
    }

    public Report report() {
        return report;
    }

    /** Results one scenario leaves for another (e.g. scenario 1's source rate for scenario 7's ratio). */
    public void put(String key, Object value) {
        shared.put(key, value);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(String key) {
        return (T) shared.get(key);
    }

    /** The generated input: options.lines() lines of exactly 100 characters plus '\n', same every run. */
    public synchronized Path linesFile() throws IOException {
        if (lines == null) {
            Path file = layout.work().resolve("input/lines.txt");
            Files.createDirectories(file.getParent());
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
                for (int i = 0; i < options.lines(); i++) {
                    out.write(line(i));
                    out.write('\n');
                }
            }
            lines = file;
        }
        return lines;
    }

    /** Line i of the input: its number and deterministic filler, 100 ASCII characters. */
    public static String line(int i) {
        StringBuilder b = new StringBuilder(100);
        b.append(String.format("%09d", i)).append(' ');
        long x = i * 2654435761L + 12345;
        while (b.length() < 100) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            b.append((char) ('a' + (int) ((x >>> 33) % 26)));
        }
        return b.toString();
    }

    /** Bytes of the input file: what a complete sink file holds too. */
    public long linesBytes() {
        return (long) options.lines() * 101;
    }

    /** The PostgreSQL server of scenarios 3 and 4, started on first use. */
    public synchronized Postgres postgres() throws IOException {
        Postgres pg = get("postgres");
        if (pg == null) {
            pg = ManagedProcess.closeAtExit(Postgres.start(layout));
            put("postgres", pg);
        }
        return pg;
    }

    /** Stops PostgreSQL once no later scenario needs it, so it does not share the cores with them. */
    public synchronized void stopPostgres() {
        Postgres pg = get("postgres");
        if (pg != null) {
            ManagedProcess.release(pg);
            shared.remove("postgres");
        }
    }

    /** Stops what scenarios started and left for later ones (PostgreSQL, s3proxy). */
    @Override
    public void close() {
        ManagedProcess.stopAll();
    }
}
