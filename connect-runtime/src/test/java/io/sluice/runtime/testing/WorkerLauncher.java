package io.sluice.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Runs a Sluice worker as a separate JVM (bin/connect's main class on the test class path), so
 * tests can stop it gracefully or kill it with SIGKILL and start it again on the same state; or, for
 * migration tests, an Apache Kafka Connect 4.3.1 distributed worker from its Maven Central jars.
 */
public final class WorkerLauncher implements AutoCloseable {
    private final Path workDir;
    private final Path workerConfig;
    private final Path log;
    private Process process;
    private final int restPort;
    private final String maxHeap;
    private boolean distributed;
    private boolean apache;

    public WorkerLauncher(Path workDir, int restPort, Map<String, String> workerProps) {
        this(workDir, restPort, "512m", workerProps);
    }

    /**
     * A worker JVM with the given maximum heap (e.g. "160m"), which exits on OutOfMemoryError, so
     * tests can prove a connector stays within a small heap.
     */
    public WorkerLauncher(Path workDir, int restPort, String maxHeap, Map<String, String> workerProps) {
        this.maxHeap = maxHeap;
        this.workDir = workDir;
        this.restPort = restPort;
        this.workerConfig = workDir.resolve("worker.properties");
        this.log = workDir.resolve("worker.log");
        Properties props = new Properties();
        props.putAll(workerProps);
        props.put("listeners", "http://127.0.0.1:" + restPort);
        try (var out = Files.newBufferedWriter(workerConfig)) {
            props.store(out, "test worker");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An Apache Kafka Connect 4.3.1 distributed worker (Apache's ConnectDistributed with connect-runtime,
     * connect-json, connect-transforms and a Log4j 2 binding, as the build copied them to target/apache-connect)
     * with the given worker config, logging at INFO (clients at WARN) to worker.log.
     */
    public static WorkerLauncher apache(Path workDir, int restPort, Map<String, String> workerProps) {
        WorkerLauncher launcher = new WorkerLauncher(workDir, restPort, "512m", workerProps);
        launcher.apache = true;
        launcher.distributed = true;
        try {
            Files.writeString(workDir.resolve("log4j2.properties"), String.join("\n",
                    "appender.out.type=Console", "appender.out.name=out", "appender.out.layout.type=PatternLayout",
                    "appender.out.layout.pattern=[%d] %p %m (%c{1})%n", "rootLogger.level=INFO",
                    "rootLogger.appenderRef.out.ref=out", "logger.clients.name=org.apache.kafka.clients",
                    "logger.clients.level=WARN", "logger.common.name=org.apache.kafka.common", "logger.common.level=WARN",
                    "logger.reflections.name=org.reflections", "logger.reflections.level=ERROR", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return launcher;
    }

    /** Makes the worker join the cluster named by its group.id (bin/connect --distributed). */
    public WorkerLauncher distributed() {
        this.distributed = true;
        return this;
    }

    /** Starts the worker JVM and waits until its REST API answers. */
    public RestClient start(String... connectorFiles) {
        return launch("/", connectorFiles);
    }

    /**
     * Starts the worker JVM and returns once GET /connectors answers, as a user's first request or a benchmark sees
     * it: Sluice answers it once the config topic is read, while the rest of its start still runs.
     */
    public RestClient startUntilConnectorList() {
        return launch("/connectors");
    }

    private RestClient launch(String readyPath, String... connectorFiles) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError"));
        if (apache) {
            command.addAll(List.of("-Dlog4j2.configurationFile=" + workDir.resolve("log4j2.properties"),
                    "-cp", apacheConnectLibs().resolve("*").toString(), "org.apache.kafka.connect.cli.ConnectDistributed"));
        } else {
            command.addAll(WorkerClassPath.options());
            command.add("io.sluice.runtime.cli.ConnectMain");
        }
        if (distributed && !apache) {
            command.add("--distributed");
        }
        command.add(workerConfig.toString());
        command.addAll(List.of(connectorFiles));
        try {
            process = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RestClient client = new RestClient(restUrl());
        Await.until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("Worker exited with " + process.exitValue() + "; log: " + tail());
            }
            try {
                // Apache's REST server answers before its herder has joined the group; /health waits for that
                return client.get(apache ? "/health" : readyPath).status() == 200;
            } catch (UncheckedIOException notYet) {
                return false;
            }
        }, Duration.ofSeconds(apache ? 150 : 90), // Apache's start is slower under load
                () -> "worker REST API up; log: " + tail());
        return client;
    }

    /**
     * Worker properties for a worker on the shared test broker: its own cluster (group.id and internal topics),
     * the plugin path, string converters, and any extra key/value pairs.
     */
    public static Map<String, String> workerProps(Path pluginPath, String group, String... extra) {
        Map<String, String> props = new java.util.HashMap<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", group,
                "plugin.path", pluginPath.toString(),
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter"));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        return props;
    }

    private static Path apacheConnectLibs() {
        Path libs = Path.of(System.getProperty("sluice.test.apache", "target/apache-connect")).toAbsolutePath();
        if (!Files.isDirectory(libs)) {
            throw new IllegalStateException("No Apache Kafka Connect jars in " + libs + "; run the build's "
                    + "generate-test-resources phase (mvn verify does)");
        }
        return libs;
    }

    /** A port nothing listens on right now. */
    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI restUrl() {
        return URI.create("http://127.0.0.1:" + restPort + "/");
    }

    /** SIGTERM, then wait for a clean exit. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitForExit();
        }
    }

    /** The worker JVM's threads right now (Linux: /proc). */
    public int threadCount() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no thread count for process " + process.pid());
    }

    /** The bytes of the worker's heap still in use after a full collection (jcmd GC.class_histogram collects first). */
    public long liveHeapBytes() {
        String out = jcmd("GC.class_histogram");
        for (String line : out.split("\\R")) {
            if (line.startsWith("Total")) {
                String[] fields = line.trim().split("\\s+");
                return Long.parseLong(fields[fields.length - 1]);
            }
        }
        throw new IllegalStateException("no heap histogram total in: " + out);
    }

    /** The worker JVM's threads by name with digits dropped, and how many of each (jcmd Thread.print), for failure messages. */
    public java.util.Map<String, Long> threadNames() {
        return jcmd("Thread.print").lines().filter(line -> line.startsWith("\""))
                .map(line -> line.substring(1, line.indexOf('"', 1)).replaceAll("[0-9]+", "N"))
                .collect(java.util.stream.Collectors.groupingBy(name -> name, java.util.TreeMap::new,
                        java.util.stream.Collectors.counting()));
    }

    /** What jcmd answers for the worker JVM. */
    private String jcmd(String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process run = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command)
                    .redirectErrorStream(true).start();
            String out = new String(run.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            run.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The exit code of the stopped worker JVM: 143 after a clean stop on SIGTERM, 137 after SIGKILL. */
    public int exitCode() {
        return process.exitValue();
    }

    /** SIGSTOP (true) or SIGCONT (false): the worker freezes as a long GC pause or a stopped VM does, then goes on. */
    public void freeze(boolean frozen) {
        try {
            Process signal = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(process.pid()))
                    .inheritIO().start();
            if (signal.waitFor() != 0) {
                throw new IllegalStateException("kill " + (frozen ? "-STOP" : "-CONT") + " failed");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: the worker gets no chance to flush or commit anything. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitForExit();
        }
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Everything the worker logged so far, for tests that check what it did. */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines the worker logged, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        kill();
    }
}
