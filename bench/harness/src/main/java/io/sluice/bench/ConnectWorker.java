package io.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/** One running worker (Sluice or Apache standalone) against the shared broker, reached over REST. */
public final class ConnectWorker implements AutoCloseable {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final ConnectRuntime runtime;
    private final ManagedProcess process;
    private final Rest rest;
    private final Path dir;
    private final int port;
    private final List<String> connectors = new ArrayList<>();
    private long rootReadyNanos = -1;
    private long connectorsReadyNanos = -1;
    private double cpuSecondsAtReady = Double.NaN;

    private ConnectWorker(ConnectRuntime runtime, ManagedProcess process, Path dir, int port) {
        this.runtime = runtime;
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.rest = new Rest("http://127.0.0.1:" + port);
    }

    /**
     * Launches a worker with the common worker config (StringConverter, same flush interval) and
     * waits until GET / and GET /connectors both answer 200.
     *
     * @param pluginDirs the plugin.path entries
     */
    public static ConnectWorker start(ConnectRuntime runtime, Layout layout, KafkaBroker broker,
            List<Path> pluginDirs) throws Exception {
        return start(runtime, layout, broker, pluginDirs, Map.of());
    }

    /**
     * As {@link #start(ConnectRuntime, Layout, KafkaBroker, List)}, with more worker config (e.g. a registry); with
     * no broker, a Sluice worker runs its embedded one (data under {@code embedded.kafka.dir} of the extra config).
     */
    public static ConnectWorker start(ConnectRuntime runtime, Layout layout, KafkaBroker broker,
            List<Path> pluginDirs, Map<String, String> extraConfig) throws Exception {
        String id = runtime.name().toLowerCase() + "-" + SEQUENCE.incrementAndGet();
        Path dir = layout.work().resolve("workers").resolve(id);
        Files.createDirectories(dir);
        int port = Layout.freePort();
        Properties props = new Properties();
        if (broker != null) {
            props.setProperty("bootstrap.servers", broker.bootstrap());
        }
        props.setProperty("listeners", "http://127.0.0.1:" + port);
        props.setProperty("plugin.path", pluginDirs.stream().map(Path::toString).collect(Collectors.joining(",")));
        props.setProperty("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.setProperty("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.setProperty("offset.flush.interval.ms", "10000");
        props.setProperty("offset.storage.file.filename", dir.resolve("offsets").toString());
        // a fresh cluster per start: nothing replays connectors of an earlier start
        props.setProperty("group.id", "bench-" + id + "-" + System.currentTimeMillis());
        props.putAll(extraConfig);
        Path config = dir.resolve("worker.properties");
        try (var out = Files.newBufferedWriter(config)) {
            props.store(out, "sluice bench worker");
        }
        List<String> jvm = new ArrayList<>(ConnectRuntime.HEAP_OPTIONS);
        if (runtime == ConnectRuntime.APACHE) {
            jvm.addAll(ConnectRuntime.APACHE_GC_OPTIONS);
        }
        jvm.add("-Dlog4j2.configurationFile=" + layout.log4jConfig());
        jvm.add(WorkerCost.gcLogOption(dir.resolve("gc.log")));
        // profiling hook for development, per runtime (BENCH_JVM_OPTS_SLUICE=-XX:StartFlightRecording=...)
        String extra = System.getenv("BENCH_JVM_OPTS_" + runtime.name());
        if (extra != null && !extra.isBlank()) {
            jvm.addAll(List.of(extra.trim().split("\\s+")));
        }
        ManagedProcess process = runtime == ConnectRuntime.SLUICE
                // as a user starts it: bin/connect, with its class-data-sharing archive, and the same JVM options
                ? ManagedProcess.start(id, List.of(layout.repo().resolve("bin/connect").toString(), config.toString()),
                        layout.logs().resolve(id + ".log"), Map.of(
                                "SLUICE_HEAP_OPTS", String.join(" ", jvm.subList(0, ConnectRuntime.HEAP_OPTIONS.size())),
                                "SLUICE_OPTS", String.join(" ", jvm.subList(ConnectRuntime.HEAP_OPTIONS.size(), jvm.size()))))
                : ManagedProcess.start(id, ManagedProcess.java(jvm, runtime.classpath(layout), runtime.mainClass(),
                        List.of(config.toString())), layout.logs().resolve(id + ".log"), Map.of());
        ConnectWorker worker = new ConnectWorker(runtime, process, dir, port);
        try {
            worker.awaitReady(TimeUnit.SECONDS.toNanos(120));
        } catch (Exception e) {
            worker.close();
            throw e;
        }
        return worker;
    }

    private void awaitReady(long timeoutNanos) throws Exception {
        long deadline = process.startNanos() + timeoutNanos;
        while (connectorsReadyNanos < 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException(runtime.label() + " worker exited during start-up:\n"
                        + process.logTail(25));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(runtime.label() + " worker's REST not ready in time:\n"
                        + process.logTail(25));
            }
            try {
                if (rootReadyNanos < 0 && rest.get("/").status() == 200) {
                    rootReadyNanos = System.nanoTime();
                }
                if (rootReadyNanos >= 0 && rest.get("/connectors").status() == 200) {
                    connectorsReadyNanos = System.nanoTime();
                    cpuSecondsAtReady = process.cpuSeconds();
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
    }

    public ConnectRuntime runtime() {
        return runtime;
    }

    public ManagedProcess process() {
        return process;
    }

    public Rest rest() {
        return rest;
    }

    /** The worker's REST port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The worker's own directory (its config, and files its connectors may write). */
    public Path dir() {
        return dir;
    }

    /** Starts metering what the worker spends (CPU, GC, allocation) until the meter is stopped. */
    public WorkerCost.Meter meter() {
        return WorkerCost.start(process, dir.resolve("gc.log"));
    }

    /** Seconds from launch until GET / answered 200. */
    public double secondsToRoot() {
        return (rootReadyNanos - process.startNanos()) / 1e9;
    }

    /** Seconds from launch until GET /connectors answered 200 as well. */
    public double secondsToConnectors() {
        return (connectorsReadyNanos - process.startNanos()) / 1e9;
    }

    /** The worker's CPU-seconds (user + sys) when GET /connectors first answered 200. */
    public double cpuSecondsAtReady() {
        return cpuSecondsAtReady;
    }

    public void createConnector(String name, Map<String, String> config) throws Exception {
        rest.createConnector(name, config);
        connectors.add(name);
    }

    /** Deletes the connectors this worker was given (best effort: the worker is stopped afterwards anyway). */
    public void deleteConnectors() {
        for (String name : connectors) {
            try {
                rest.delete("/connectors/" + name);
            } catch (Exception e) {
                // the next repetition uses new names, so a leftover connector only costs CPU until close()
            }
        }
        connectors.clear();
    }

    /** Throws with the connector's status and the worker's log tail when the worker or a task failed. */
    public void checkHealthy(List<String> names) {
        if (!process.isAlive()) {
            throw new IllegalStateException(runtime.label() + " worker died:\n" + process.logTail(25));
        }
        for (String name : names) {
            String status = rest.status(name);
            if (status.contains("FAILED")) {
                throw new IllegalStateException(runtime.label() + " connector " + name + " failed: " + status);
            }
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
