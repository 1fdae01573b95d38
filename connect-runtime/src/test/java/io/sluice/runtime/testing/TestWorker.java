package io.sluice.runtime.testing;

import io.sluice.runtime.cli.WorkerProcess;
import io.sluice.runtime.config.WorkerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A worker in the test JVM, built the way every integration test needs one (in the spirit of Apache's
 * EmbeddedConnectCluster): on the shared test broker, in a cluster of its own (a unique group.id, so its
 * internal topics are its own), REST on a free port and offsets flushed every 500 ms so a test sees commits
 * quickly. A test adds only what its story is about: {@code TestWorker.standalone().pluginPath(dir).start()}.
 */
public final class TestWorker implements AutoCloseable {
    private final WorkerProcess process;
    private final RestClient rest;
    private final ConnectorAssertions assertions;

    private TestWorker(WorkerProcess process) {
        this.process = process;
        this.rest = new RestClient(process.restUrl());
        this.assertions = new ConnectorAssertions(rest);
    }

    /** A standalone worker (a cluster of one) with its own fresh group.id. */
    public static Builder standalone() {
        return new Builder(false, KafkaTestBroker.uniqueTopic("test-worker"));
    }

    /** A member of the distributed cluster named group; workers built with the same group join one cluster. */
    public static Builder distributed(String group) {
        return new Builder(true, group);
    }

    /**
     * A worker of exactly these settings, none of the defaults above: an example file's, with only what points at
     * real systems replaced (ExampleConfig), so the example is tried as shipped.
     */
    public static Builder of(Map<String, String> settings, boolean distributed) {
        return new Builder(distributed, false, Map.of()).with(settings);
    }

    /** Worker settings before start; later {@code with} calls override the defaults and earlier calls. */
    public static final class Builder {
        private final boolean distributed;
        private final Map<String, String> props = new HashMap<>();
        /**
         * Until bootstrap.servers is set or removed: the shared test broker, asked for only at start, so a worker
         * that embeds its own broker does not start the shared one (whose threads a thread-leak check would see).
         */
        private boolean onTestBroker;

        private Builder(boolean distributed, String group) {
            this(distributed, true, Map.of("group.id", group, "listeners", "http://127.0.0.1:0",
                    "offset.flush.interval.ms", "500"));
        }

        private Builder(boolean distributed, boolean onTestBroker, Map<String, String> defaults) {
            this.distributed = distributed;
            this.onTestBroker = onTestBroker;
            props.putAll(defaults);
        }

        /** plugin.path: the given directories or JARs, comma-separated as the worker reads them. */
        public Builder pluginPath(Path... paths) {
            return with("plugin.path", Stream.of(paths).map(Path::toString).collect(Collectors.joining(",")));
        }

        /** String key and value converters, for tests that move plain text. */
        public Builder stringConverters() {
            return with("key.converter", "org.apache.kafka.connect.storage.StringConverter")
                    .with("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        }

        /** Any worker key; null removes a default (e.g. bootstrap.servers, to run the embedded broker). */
        public Builder with(String key, String value) {
            if (key.equals("bootstrap.servers")) {
                onTestBroker = false;
            }
            if (value == null) {
                props.remove(key);
            } else {
                props.put(key, value);
            }
            return this;
        }

        /** Every key of settings, as {@link #with(String, String)} one by one. */
        public Builder with(Map<String, String> settings) {
            settings.forEach(this::with);
            return this;
        }

        /** The worker config this builder would start with, for a worker launched in a process of its own. */
        public Map<String, String> props() {
            Map<String, String> settings = new HashMap<>(props);
            if (onTestBroker) {
                settings.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
            }
            return Map.copyOf(settings);
        }

        /** Starts the worker; returns when its REST API answers (a distributed worker joins in the background). */
        public TestWorker start() {
            return new TestWorker(WorkerProcess.start(new WorkerConfig(props()), distributed));
        }
    }

    /** A client of this worker's REST API. */
    public RestClient rest() {
        return rest;
    }

    /** Waits on connector and task statuses through this worker's REST API. */
    public ConnectorAssertions assertions() {
        return assertions;
    }

    /** The running worker, for tests that look at its herder or plugins. */
    public WorkerProcess process() {
        return process;
    }

    public URI restUrl() {
        return process.restUrl();
    }

    /** The built-in schema registry's URL, or null when the worker runs none. */
    public URI schemaRegistryUrl() {
        return process.schemaRegistryUrl();
    }

    /** The Kafka cluster the worker uses: the shared test broker, or the one it embeds. */
    public String bootstrapServers() {
        return process.bootstrapServers();
    }

    @Override
    public void close() {
        process.close();
    }
}
