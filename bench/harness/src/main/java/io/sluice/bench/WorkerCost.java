package io.sluice.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one run cost the worker's JVM: CPU seconds (user+sys from /proc/PID/stat), GC seconds (jstat's GCT: the
 * collector's pauses) and bytes allocated (heap growth plus what each collection in the GC log freed). CPU per record
 * is stable on a loaded shared machine where wall time is not, so every runtime is measured the same way.
 */
public record WorkerCost(double cpuSeconds, double gcSeconds, double allocatedBytes) {

    /** A G1 (or any unified-logging collector's) pause line: "... 157M->13M(256M) 5.123ms". */
    private static final Pattern COLLECTION = Pattern.compile("(\\d+)M->(\\d+)M\\(\\d+M\\)");

    /** The JVM option every worker gets, so its collections can be read back: the same on both runtimes. */
    static String gcLogOption(Path log) {
        return "-Xlog:gc:file=" + log;
    }

    /** Readings at the start of a run; {@link #stop()} turns them into the run's cost. */
    public static final class Meter {
        private final ManagedProcess process;
        private final Path gcLog;
        private final double cpu0;
        private final double[] jstat0;
        private final long logOffset0;

        private Meter(ManagedProcess process, Path gcLog) {
            this.process = process;
            this.gcLog = gcLog;
            this.jstat0 = jstat(process);
            this.logOffset0 = size(gcLog);
            this.cpu0 = process.cpuSeconds();
        }

        /** The cost since {@link #start}; a figure that could not be read is NaN. */
        public WorkerCost stop() {
            double cpu = process.cpuSeconds() - cpu0;
            double[] jstat1 = jstat(process);
            double freed = freedSince(gcLog, logOffset0);
            return new WorkerCost(cpu, jstat1[1] - jstat0[1], jstat1[0] - jstat0[0] + freed);
        }
    }

    /** Starts metering a worker launched with {@link #gcLogOption}. */
    public static Meter start(ManagedProcess process, Path gcLog) {
        return new Meter(process, gcLog);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Bytes the collections logged after {@code offset} freed (before - after, MiB granularity). */
    private static double freedSince(Path gcLog, long offset) {
        try (RandomAccessFile in = new RandomAccessFile(gcLog.toFile(), "r")) {
            long length = in.length();
            if (length <= offset) {
                return 0;
            }
            byte[] bytes = new byte[(int) (length - offset)];
            in.seek(offset);
            in.readFully(bytes);
            Matcher m = COLLECTION.matcher(new String(bytes, StandardCharsets.US_ASCII));
            double freed = 0;
            while (m.find()) {
                freed += (Long.parseLong(m.group(1)) - Long.parseLong(m.group(2))) * 1048576.0;
            }
            return freed;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** {heap bytes in use, total GC seconds} from {@code jstat -gc PID} (the JVM's perf counters, no attach). */
    private static double[] jstat(ManagedProcess process) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstat").toString(),
                    "-gc", Long.toString(process.pid())).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return new double[] {Double.NaN, Double.NaN};
            }
            List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
            List<String> names = List.of(lines.get(0).trim().split("\\s+"));
            String[] values = lines.get(1).trim().split("\\s+");
            double usedKb = 0;
            for (String column : List.of("S0U", "S1U", "EU", "OU")) {
                usedKb += Double.parseDouble(values[names.indexOf(column)]);
            }
            return new double[] {usedKb * 1024, Double.parseDouble(values[names.indexOf("GCT")])};
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new double[] {Double.NaN, Double.NaN};
        }
    }
}
