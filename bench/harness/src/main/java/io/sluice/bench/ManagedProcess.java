package io.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** A child process the harness started: output to a log file, memory from /proc, always stopped. */
public final class ManagedProcess implements AutoCloseable {

    /** Every live child, so the shutdown hook can stop them even when the harness fails. */
    private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();

    /** Other things to stop at exit, e.g. an embedded PostgreSQL, closed before the processes. */
    private static final List<AutoCloseable> RESOURCES = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ManagedProcess::stopAll, "bench-cleanup"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final long startNanos;

    private ManagedProcess(String name, Process process, Path log, long startNanos) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startNanos = startNanos;
    }

    /** Starts {@code command} with stdout and stderr appended to {@code log}. */
    public static ManagedProcess start(String name, List<String> command, Path log, Map<String, String> env)
            throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        long t0 = System.nanoTime();
        ManagedProcess managed = new ManagedProcess(name, builder.start(), log, t0);
        LIVE.add(managed);
        return managed;
    }

    /** A java command line with the harness's own java binary. */
    public static List<String> java(List<String> jvmOptions, String classpath, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** System.nanoTime() just before the process was launched. */
    public long startNanos() {
        return startNanos;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end on its own; its exit code, or -1 on timeout (the process is then killed). */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            LIVE.remove(this);
            return process.exitValue();
        }
        close();
        return -1;
    }

    /** Resident set size now, in bytes (VmRSS), or -1 when the process is gone. */
    public long rssBytes() {
        return procStatusKb("VmRSS:") * 1024;
    }

    /**
     * CPU time the process has used so far, user + system, in seconds (/proc/PID/stat utime and stime, in clock
     * ticks of 1/100 s: Linux's USER_HZ on every architecture the JDK runs on), or NaN when the process is gone.
     */
    public double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // the command name in parentheses may hold spaces: fields are counted after its closing one
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Peak resident set size since start, in bytes (VmHWM), or -1 when the process is gone. */
    public long peakRssBytes() {
        return procStatusKb("VmHWM:") * 1024;
    }

    private long procStatusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The last lines of the log, for error messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL after 15 s; the process tree (forked children) goes too. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        LIVE.remove(this);
    }

    /** Registers something that must be closed when the harness exits, however it exits. */
    public static <T extends AutoCloseable> T closeAtExit(T resource) {
        RESOURCES.add(0, resource);
        return resource;
    }

    /** Closes a registered resource now, e.g. a server no later scenario needs. */
    public static void release(AutoCloseable resource) {
        if (RESOURCES.remove(resource)) {
            try {
                resource.close();
            } catch (Exception e) {
                // it is gone or going; the exit hook has nothing left to do for it
            }
        }
    }

    /** Closes the registered resources, then stops every live child process. */
    public static void stopAll() {
        for (AutoCloseable resource : List.copyOf(RESOURCES)) {
            try {
                resource.close();
            } catch (Exception e) {
                // keep stopping the rest
            }
            RESOURCES.remove(resource);
        }
        for (ManagedProcess p : List.copyOf(LIVE)) {
            p.close();
        }
    }
}
