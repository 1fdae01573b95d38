package io.sluice.runtime.cli;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.ConfigRedactor;
import io.sluice.runtime.config.ConnectorConfigFile;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.config.WorkerConfigFile;
import io.sluice.runtime.plugins.Plugins;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.KafkaException;
import org.apache.logging.log4j.LogManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** bin/connect: starts a worker from a worker config file and creates or updates the connectors in the given files. */
public final class ConnectMain {
    private static final String LOG4J_SHUTDOWN_HOOK = "log4j.shutdownHookEnabled";
    private static final String SLF4J_PROVIDER = "slf4j.provider";
    private static final String SLF4J_VERBOSITY = "slf4j.internal.verbosity";
    private static final String LOG4J_SLF4J_PROVIDER = "org.apache.logging.slf4j.SLF4JServiceProvider";

    static {
        // Log4j's own shutdown hook runs beside ours and stops logging while the worker is still stopping: the
        // lines that say a task did not stop in time or offsets were not committed were lost. Ours stops logging
        // last instead (a user who set the property keeps their choice).
        if (System.getProperty(LOG4J_SHUTDOWN_HOOK) == null) {
            System.setProperty(LOG4J_SHUTDOWN_HOOK, "false");
        }
        nameSlf4jProvider();
        makeJdkPartsAside();
    }

    private static final Logger log = LoggerFactory.getLogger(ConnectMain.class);
    private static final AtomicReference<WorkerProcess> running = new AtomicReference<>();
    private static final CountDownLatch stopped = new CountDownLatch(1);
    /** Counted down once the worker's start has ended, started or failed: a stop asked for meanwhile waits for it. */
    private static final CountDownLatch startEnded = new CountDownLatch(1);
    /** Longer than a start can take (the embedded broker's is bounded at 60 s), so a stop waits for any start. */
    private static final long START_WAIT_SECONDS = 90;

    private ConnectMain() {
    }

    /**
     * Two things of the JDK that REST's Jetty needs on main after the worker config, each made once per JVM: the
     * available locales (Jetty's MimeTypes lists them in its class initialisation: the locale providers' lists parsed
     * into ~800 locales) and the platform MBean server (Jetty's MemoryUtils asks for it in QueuedThreadPool's; Kafka's
     * clients register there later anyway). A third of main's Java samples to REST ready in a profile: made here on a
     * thread of their own while main sets up Log4j and reads the worker config; main, should it get there first, waits
     * for them rather than making them twice. JDK code only: nothing that logs runs beside Log4j's set-up.
     */
    private static void makeJdkPartsAside() {
        Thread aside = new Thread(() -> {
            java.util.Locale.getAvailableLocales();
            java.lang.management.ManagementFactory.getPlatformMBeanServer();
        }, "sluice-jdk-init");
        aside.setDaemon(true);
        aside.start();
    }

    /**
     * Names Log4j's SLF4J provider, so that the first logger does not look for providers in every jar of the class
     * path (a ServiceLoader lookup that opens each one, most of them mapped from the class-data archive otherwise):
     * only when the user named none and Log4j's is the one on the class path. Which Log4j configuration is read is
     * untouched. SLF4J then says at INFO that it took the named provider, on stderr at every start: its own messages
     * are kept to warnings unless the user chose their level.
     */
    private static void nameSlf4jProvider() {
        if (System.getProperty(SLF4J_PROVIDER) != null) {
            return;
        }
        try {
            Class.forName(LOG4J_SLF4J_PROVIDER, false, ConnectMain.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return; // another binding: SLF4J's own lookup finds it
        }
        System.setProperty(SLF4J_PROVIDER, LOG4J_SLF4J_PROVIDER);
        if (System.getProperty(SLF4J_VERBOSITY) == null) {
            System.setProperty(SLF4J_VERBOSITY, "WARN");
        }
    }

    public static void main(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean distributed = rest.remove("--distributed");
        boolean paused = rest.remove("--paused");
        if (rest.isEmpty() || rest.get(0).equals("-h") || rest.get(0).equals("--help") || rest.get(0).startsWith("--")
                || (distributed && rest.size() > 1)) {
            System.err.println("Usage: bin/connect [--paused] WORKER_CONFIG [CONNECTOR_CONFIG ...]");
            System.err.println("       bin/connect --distributed [--paused] WORKER_CONFIG");
            System.err.println("  CONNECTOR_CONFIG: .properties, or .json as {\"name\":..,\"config\":{..}} or a flat object");
            System.err.println("  --distributed: join the cluster named by group.id; create connectors through the REST API");
            System.err.println("  --paused: safe start: stored connectors run paused until resumed (start.paused=true)");
            System.exit(2);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(ConnectMain::stop, "sluice-shutdown"));
        Path workerFile = Path.of(rest.get(0));
        WorkerConfig workerConfig;
        List<ConnectorConfigFile> connectors = new ArrayList<>();
        try {
            Map<String, String> workerProps = new java.util.HashMap<>(resolvePlaceholders(WorkerConfigFile.load(workerFile)));
            if (paused) {
                workerProps.put(WorkerConfig.START_PAUSED, "true");
            }
            workerConfig = WorkerConfigFile.toWorkerConfig(workerFile, workerProps);
            for (int i = 1; i < rest.size(); i++) {
                connectors.add(ConnectorConfigFile.load(Path.of(rest.get(i))));
            }
        } catch (KafkaException | IllegalArgumentException e) {
            fail(e.getMessage());
            return;
        }

        WorkerProcess worker;
        try {
            worker = WorkerProcess.start(workerConfig, distributed);
            running.set(worker);
        } catch (org.apache.kafka.common.config.ConfigException e) {
            // a mistake in the worker config: the one line says what to change, a stack trace would bury it
            log.debug("Worker failed to start", e);
            fail(workerFile + ": " + e.getMessage()); // not args[0]: that may be --distributed
            return;
        } catch (KafkaException | IllegalArgumentException e) {
            log.error("Worker failed to start", e);
            fail(workerFile + ": " + e.getMessage());
            return;
        } finally {
            startEnded.countDown();
        }

        for (ConnectorConfigFile file : connectors) {
            try {
                worker.herder().putStartupConnectorConfig(file.name(), file.config());
            } catch (KafkaException e) {
                fail(file.file() + ": connector " + file.name() + " could not be created: " + e.getMessage());
                return;
            }
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The shutdown hook: stops the worker if it started, then logging, so every line of the stop is written. A stop
     * asked for while the worker still starts (REST answers before the start has ended) waits for the start, then
     * stops it: the JVM used to exit without stopping anything, and the embedded broker's next start recovered every
     * log and waited out its old registration's session (9 s), about 12 s instead of 3 for the first restart.
     */
    private static void stop() {
        try {
            awaitStartEnded();
            WorkerProcess worker = running.getAndSet(null);
            if (worker != null) {
                log.info("Stopping Sluice worker");
                worker.close();
            }
        } finally {
            stopped.countDown();
            LogManager.shutdown(); // flushes file appenders; nothing is logged after it
        }
    }

    private static void awaitStartEnded() {
        if (startEnded.getCount() == 0) {
            return;
        }
        log.info("Stopping Sluice worker once its start has ended");
        try {
            if (!startEnded.await(START_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
                log.warn("Sluice worker still starting after {} s; exiting without stopping it", START_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Worker configs may use the runtime's own config providers (file, env, directory), as Apache allows. */
    private static Map<String, String> resolvePlaceholders(Map<String, String> workerProps) {
        if (workerProps.values().stream().noneMatch(ConfigRedactor::hasPlaceholder)) {
            return workerProps;
        }
        try (Plugins builtIns = new Plugins(List.of(), WorkerConfig.PLUGIN_DISCOVERY_MODES.get(1))) {
            builtIns.start();
            return ConfigProviders.resolveWorkerConfig(workerProps, builtIns);
        }
    }

    private static void fail(String message) {
        startEnded.countDown(); // before exit: a stop under way waits for it, and exit waits for the stop
        System.err.println("sluice: " + message);
        System.exit(1);
    }
}
