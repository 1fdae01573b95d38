package io.sluice.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.SerializationFeature;

/** Collects rows and scenario failures; prints the table and writes the JSON file. */
public final class Report {

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final List<Target> targets = new ArrayList<>();

    /** One goal of the current performance issue, with the measured ratio it is judged by (NaN: not measured). */
    public record Target(String goal, double threshold, Row.Better better, double measured) {
        /** Null when there is no figure to judge. */
        public Boolean met() {
            if (Double.isNaN(measured)) {
                return null;
            }
            return better == Row.Better.HIGHER ? measured >= threshold : measured <= threshold;
        }
    }
    private final Instant started = Instant.now();

    public synchronized void add(Row row) {
        rows.add(row);
        if (row.sluice() != null && row.sluice().error() != null) {
            failures.putIfAbsent(row.scenario() + ": " + row.metric() + " (Sluice)", row.sluice().error());
        }
        if (row.other() != null && row.other().error() != null) {
            failures.putIfAbsent(row.scenario() + ": " + row.metric() + " (" + row.otherLabel() + ")",
                    row.other().error());
        }
    }

    /** A target row: the ratio measured for {@code goal} must be at least (HIGHER) or at most (LOWER) the threshold. */
    public synchronized void target(String goal, double threshold, Row.Better better, double measured) {
        targets.add(new Target(goal, threshold, better, measured));
    }

    /** As {@link #target(String, double, Row.Better, double)}, judged by a row's ratio. */
    public void target(String goal, double threshold, Row row) {
        target(goal, threshold, row.better(), row.ratio());
    }

    /** A scenario that could not run at all. */
    public synchronized void failed(String scenario, String reason) {
        failures.put(scenario, reason);
    }

    public boolean anyFailed() {
        return !failures.isEmpty();
    }

    public void printTable(PrintStream out) {
        String format = "%-22s %-86s %14s %14s %-10s %9s  %-12s %s%n";
        out.println();
        out.printf(format, "scenario", "metric", "Sluice", "Apache/ref", "ref", "S/A", "unit", "better");
        out.println("-".repeat(190));
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(java.util.Comparator.comparing(Row::scenario));
        for (Row row : sorted) {
            out.printf(format, row.scenario(), row.metric(), cell(row.sluice()), cell(row.other()),
                    row.otherLabel() == null ? "" : row.otherLabel(),
                    Double.isNaN(row.ratio()) ? "-" : String.format(Locale.ROOT, "%.2f", row.ratio()),
                    row.unit(), row.better().name().toLowerCase(Locale.ROOT));
        }
        if (!targets.isEmpty()) {
            out.println();
            out.printf("%-86s %8s %9s  %s%n", "target", "goal", "measured", "met");
            out.println("-".repeat(115));
            for (Target t : targets) {
                out.printf("%-86s %8s %9s  %s%n", t.goal(), (t.better() == Row.Better.HIGHER ? ">= " : "<= ")
                        + String.format(Locale.ROOT, "%.2f", t.threshold()),
                        Double.isNaN(t.measured()) ? "-" : String.format(Locale.ROOT, "%.2f", t.measured()),
                        t.met() == null ? "not measured" : t.met() ? "yes" : "NO");
            }
        }
        if (!failures.isEmpty()) {
            out.println();
            out.println("Did not run / failed:");
            failures.forEach((what, why) -> out.println("  " + what + ": " + firstLine(why)));
        }
        out.println();
    }

    private static String cell(Side side) {
        if (side == null) {
            return "";
        }
        if (!side.ok()) {
            return "n/a";
        }
        double v = side.median();
        return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String firstLine(String text) {
        String line = text == null ? "" : text.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /**
     * Writes results/<timestamp>.json and, for a full run only ({@code full}: every scenario, full size), also
     * results/latest.json, which the README's table comes from; returns the timestamped file.
     */
    public Path writeJson(Path dir, Map<String, Object> options, boolean full) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("started", started.toString());
        doc.put("finished", Instant.now().toString());
        doc.put("machine", machine());
        doc.put("options", options);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("scenario", row.scenario());
            r.put("metric", row.metric());
            r.put("unit", row.unit());
            r.put("better", row.better().name().toLowerCase(Locale.ROOT));
            r.put("sluice", side(row.sluice()));
            r.put("other_label", row.otherLabel());
            r.put("other", side(row.other()));
            r.put("ratio_sluice_over_other", Double.isNaN(row.ratio()) ? null : row.ratio());
            out.add(r);
        }
        doc.put("rows", out);
        List<Map<String, Object>> goals = new ArrayList<>();
        for (Target t : targets) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("goal", t.goal());
            g.put("threshold", t.threshold());
            g.put("better", t.better().name().toLowerCase(Locale.ROOT));
            g.put("measured", Double.isNaN(t.measured()) ? null : t.measured());
            g.put("met", t.met());
            goals.add(g);
        }
        doc.put("targets", goals);
        doc.put("failures", failures);
        String name = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
        Path file = dir.resolve(name + ".json");
        var writer = Rest.JSON.writer().with(SerializationFeature.INDENT_OUTPUT);
        writer.writeValue(file.toFile(), doc);
        if (full) {
            writer.writeValue(dir.resolve("latest.json").toFile(), doc);
        }
        return file;
    }

    private static Map<String, Object> side(Side side) {
        if (side == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", side.ok() ? side.median() : null);
        m.put("samples", side.values());
        m.put("error", side.error());
        m.put("warmup_samples", side.warmup());
        if (!side.costs().isEmpty()) {
            m.put("worker_cpu_seconds", side.costs().stream().map(WorkerCost::cpuSeconds).toList());
            m.put("worker_gc_seconds", side.costs().stream().map(WorkerCost::gcSeconds).toList());
            m.put("worker_allocated_bytes", side.costs().stream().map(WorkerCost::allocatedBytes).toList());
        }
        return m;
    }

    /** Cores, memory, CPU model, Java and OS: what the figures depend on. */
    public static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        m.put("ram_bytes", os.getTotalMemorySize());
        m.put("cpu", cpuModel());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + prettyName());
        return m;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String prettyName() {
        try {
            return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                    .map(l -> " (" + l.substring(12).replace("\"", "") + ")").findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }
}
