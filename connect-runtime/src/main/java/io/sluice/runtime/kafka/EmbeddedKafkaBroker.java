package io.sluice.runtime.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker and controller running inside this JVM, storing its data in a
 * directory that survives restarts.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** A port picked as free may be taken before the broker binds it; try a few times. */
    private static final int BIND_ATTEMPTS = 3;
    /**
     * How old the newest KRaft metadata snapshot may get while records follow it. A start loads the newest snapshot
     * and replays only the records after it; Kafka's own default (an hour, or 20 MB of records) is for a cluster that
     * runs for months: a worker restarted more often than hourly never got one and replayed its whole metadata log on
     * every start, including the two no-op records a second the controller writes while idle (a 20-minute run leaves
     * 2,400), growing without bound. A snapshot of one node's metadata is a few kilobytes.
     */
    static final Duration SNAPSHOT_INTERVAL = Duration.ofMinutes(1);
    /** Snapshots (and metadata log segments) older than the newest are kept this long, instead of Kafka's 7 days. */
    private static final Duration METADATA_RETENTION = Duration.ofHours(1);

    private final Path dataDir;
    private final int requestedPort;
    private final int requestedControllerPort;
    private final Duration snapshotInterval;
    private KafkaRaftServer server;
    /** Held while this broker owns its data dir: a second broker on it would corrupt the first's metadata log. */
    private FileChannel lockFile;
    private int port = -1;
    private boolean closed;

    /** A broker on the given port (0: a free one) with its controller on a free port. */
    public EmbeddedKafkaBroker(Path dataDir, int port) {
        this(dataDir, port, 0);
    }

    /** A broker and its KRaft controller on the given ports; 0 picks a free one. */
    public EmbeddedKafkaBroker(Path dataDir, int port, int controllerPort) {
        this(dataDir, port, controllerPort, SNAPSHOT_INTERVAL);
    }

    /** As {@link #EmbeddedKafkaBroker(Path, int, int)}, writing metadata snapshots at the given interval. */
    EmbeddedKafkaBroker(Path dataDir, int port, int controllerPort, Duration snapshotInterval) {
        for (int p : new int[] {port, controllerPort}) {
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("Embedded Kafka port must be between 0 and 65535, was " + p);
            }
        }
        this.dataDir = dataDir.toAbsolutePath();
        this.requestedPort = port;
        this.requestedControllerPort = controllerPort;
        this.snapshotInterval = snapshotInterval;
    }

    /** A port the broker was asked to listen on is taken by another process. */
    public static final class PortInUse extends KafkaException {
        private final int port;
        private final boolean controller;

        PortInUse(int port, boolean controller, Throwable cause) {
            super("port " + port + " is already in use", cause);
            this.port = port;
            this.controller = controller;
        }

        public int port() {
            return port;
        }

        /** Whether it is the KRaft controller's port rather than the broker's. */
        public boolean controller() {
            return controller;
        }
    }

    /** The data directory is held by another running broker (another worker, or another process on the same dir). */
    public static final class DirInUse extends KafkaException {
        DirInUse(Path dir) {
            super("the directory " + dir + " holds the data of an embedded Kafka broker that is running now");
        }
    }

    /** Formats the data dir if new, starts the broker and returns once it answers requests. */
    public synchronized EmbeddedKafkaBroker start() {
        if (closed) {
            throw new IllegalStateException("Embedded Kafka broker was closed; create a new one");
        }
        if (server != null) {
            return this;
        }
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create embedded Kafka data dir " + dataDir, e);
        }
        lockDataDir();
        long began = System.nanoTime();
        RuntimeException lastFailure = null;
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            int brokerPort = requestedPort == 0 ? freePort(requestedControllerPort) : requestedPort;
            int controllerPort = requestedControllerPort == 0 ? freePort(brokerPort) : requestedControllerPort;
            refuseTakenPorts(brokerPort, controllerPort, null);
            Properties properties = serverProperties(brokerPort, controllerPort);
            formatIfNew(properties);
            KafkaConfig config = KafkaConfig.fromProps(properties, false);
            KafkaRaftServer candidate = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                candidate.startup();
                server = candidate;
                port = brokerPort;
                break;
            } catch (RuntimeException e) {
                shutdown(candidate);
                lastFailure = e;
                if (causedByBind(e)) {
                    refuseTakenPorts(brokerPort, controllerPort, e); // taken meanwhile: say which
                }
                if (!causedByBind(e) || (requestedPort != 0 && attempt > 1)) {
                    break;
                }
                log.debug("Embedded Kafka could not bind its ports, retrying", e);
            }
        }
        if (server == null) {
            unlockDataDir();
            throw new IllegalStateException("Embedded Kafka broker failed to start in " + dataDir
                    + (requestedPort != 0 ? " (is port " + requestedPort + " already in use?)" : ""), lastFailure);
        }
        awaitServing();
        // what the broker's own start cost: a restart after an unclean stop recovers every log and waits out the old
        // registration's session (9 s) before it serves
        log.info("Embedded Kafka broker serving at {} (data in {}) after {} ms", bootstrapServers(), dataDir,
                (System.nanoTime() - began) / 1_000_000);
        return this;
    }

    /**
     * host:port the PLAINTEXT listener will have, known before {@link #start()} when its port is fixed; null when the
     * port is picked at start (0).
     */
    public String fixedBootstrapServers() {
        return requestedPort == 0 ? null : HOST + ":" + requestedPort;
    }

    /** host:port of the PLAINTEXT listener; valid after start(). */
    public synchronized String bootstrapServers() {
        if (port < 0) {
            throw new IllegalStateException("Embedded Kafka broker is not started");
        }
        return HOST + ":" + port;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (server == null) {
            unlockDataDir();
            return;
        }
        KafkaRaftServer stopping = server;
        server = null;
        shutdown(stopping);
        unlockDataDir();
        log.info("Embedded Kafka broker at {}:{} stopped", HOST, port);
    }

    /**
     * Takes the data dir before anything reads or formats it. Kafka locks its log directories only once its start
     * is under way, after the metadata log was opened; a second worker started on the same dir got that far and
     * left the running broker's metadata log corrupt. A lock file of our own, taken first, refuses it cleanly.
     */
    private void lockDataDir() {
        if (lockFile != null) {
            return;
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dataDir.resolve(".sluice-broker.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new DirInUse(dataDir);
            }
            lockFile = channel;
        } catch (OverlappingFileLockException e) {
            throw new DirInUse(dataDir); // held by a broker in this JVM
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot lock embedded Kafka data dir " + dataDir, e);
        } finally {
            if (lockFile == null && channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // not held: nothing to release
                }
            }
        }
    }

    private void unlockDataDir() {
        if (lockFile == null) {
            return;
        }
        try {
            lockFile.close(); // releases the lock
        } catch (IOException e) {
            log.debug("Closing the data dir lock of {}", dataDir, e);
        }
        lockFile = null;
    }

    private Properties serverProperties(int brokerPort, int controllerPort) {
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(NODE_ID)),
                Map.entry("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", dataDir.toString()),
                Map.entry("metadata.log.max.snapshot.interval.ms", String.valueOf(snapshotInterval.toMillis())),
                Map.entry("metadata.max.retention.ms", String.valueOf(METADATA_RETENTION.toMillis())),
                Map.entry("num.partitions", "1"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("offsets.topic.replication.factor", "1"),
                // fewer consumer-offsets partitions: the first consumer group is ready sooner
                Map.entry("offsets.topic.num.partitions", "10"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "10"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // as any Kafka broker by default: connectors without topic.creation.* rely on it
                Map.entry("auto.create.topics.enable", "true"),
                // the default 128 MB cleaner buffer is sized for big brokers, not one in a worker's heap
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024))));
        return props;
    }

    /** Formats only a new directory, so a restart keeps the cluster id and the data. */
    private void formatIfNew(Properties properties) {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        Path configFile = null;
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            // the storage tool reads the same server properties the broker runs with
            configFile = Files.createTempFile("sluice-kafka-format", ".properties");
            try (Writer out = Files.newBufferedWriter(configFile)) {
                properties.store(out, null);
            }
            int exit = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", configFile.toString()}, quiet);
            if (exit != 0) {
                throw new IllegalStateException("Kafka storage format exited with " + exit);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot format embedded Kafka data dir " + dataDir, e);
        } finally {
            deleteIfExists(configFile);
        }
        log.info("Formatted embedded Kafka data dir {} with cluster id {}", dataDir, clusterId);
    }

    private void awaitServing() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for embedded Kafka", e);
                }
            }
        }
        close();
        throw new IllegalStateException("Embedded Kafka broker did not serve requests within " + START_TIMEOUT, last);
    }

    /** Stops the server on a named thread so a stuck shutdown cannot hang the caller forever. */
    private static void shutdown(KafkaRaftServer target) {
        Thread stopper = new Thread(() -> {
            target.shutdown();
            target.awaitShutdown();
        }, "sluice-embedded-kafka-shutdown");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            log.warn("Embedded Kafka broker did not stop within {}", STOP_TIMEOUT);
        }
    }

    private static void deleteIfExists(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("Cannot delete {}", file, e);
        }
    }

    /** A {@link PortInUse} for the first of the requested (not picked) ports that another process holds. */
    private void refuseTakenPorts(int brokerPort, int controllerPort, Throwable cause) {
        if (requestedPort != 0 && !bindable(brokerPort)) {
            throw new PortInUse(brokerPort, false, cause);
        }
        if (requestedControllerPort != 0 && !bindable(controllerPort)) {
            throw new PortInUse(controllerPort, true, cause);
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A port free now, other than {@code taken}: the kernel may hand the port it just freed out again, and a broker
     * and controller picked by two calls got the same one ("two listeners on the same port", a restart on port 0).
     */
    private static int freePort(int taken) {
        for (int attempt = 0; ; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                socket.setReuseAddress(true);
                if (socket.getLocalPort() != taken || attempt >= 10) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("No free port on " + HOST, e);
            }
        }
    }
}
