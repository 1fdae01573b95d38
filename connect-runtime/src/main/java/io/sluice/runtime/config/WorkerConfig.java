package io.sluice.runtime.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigDef.Range;

/**
 * The worker's configuration: every key Sluice reads from a worker properties file, defined once and parsed once.
 * Its definition embeds those of the parts ({@link DistributedConfig}, {@link RestConfig},
 * {@link ObservabilityConfig}, {@link TopicsConfig}), each kept beside the keys it documents, so a bad value of any
 * key stops the start with a message naming it; the parts read their keys through typed views of this parse.
 */
public final class WorkerConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String GROUP_ID = "group.id";
    public static final String CONFIG_STORAGE_TOPIC = "config.storage.topic";
    public static final String OFFSET_STORAGE_TOPIC = "offset.storage.topic";
    public static final String STATUS_STORAGE_TOPIC = "status.storage.topic";
    public static final String CONFIG_STORAGE_REPLICATION_FACTOR = "config.storage.replication.factor";
    public static final String OFFSET_STORAGE_REPLICATION_FACTOR = "offset.storage.replication.factor";
    public static final String STATUS_STORAGE_REPLICATION_FACTOR = "status.storage.replication.factor";
    public static final String OFFSET_STORAGE_PARTITIONS = "offset.storage.partitions";
    public static final String STATUS_STORAGE_PARTITIONS = "status.storage.partitions";
    public static final String OFFSET_STORAGE_FILE_FILENAME = "offset.storage.file.filename";
    public static final String KEY_CONVERTER = "key.converter";
    public static final String VALUE_CONVERTER = "value.converter";
    public static final String HEADER_CONVERTER = "header.converter";
    public static final String PLUGIN_PATH = "plugin.path";
    public static final String PLUGIN_DISCOVERY = "plugin.discovery";
    public static final String PLUGIN_INDEX_DIR = "plugin.index.dir";
    public static final String LISTENERS = "listeners";
    public static final String REST_ADVERTISED_HOST_NAME = "rest.advertised.host.name";
    public static final String REST_ADVERTISED_PORT = "rest.advertised.port";
    public static final String REST_ADVERTISED_LISTENER = "rest.advertised.listener";
    public static final String OFFSET_FLUSH_INTERVAL_MS = "offset.flush.interval.ms";
    public static final String OFFSET_FLUSH_TIMEOUT_MS = "offset.flush.timeout.ms";
    public static final String TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS = "task.shutdown.graceful.timeout.ms";
    public static final String START_TIMEOUT_MS = "start.timeout.ms";
    public static final String START_PARALLELISM = "start.parallelism";
    public static final String START_PAUSED = "start.paused";
    public static final String REST_REQUEST_TIMEOUT_MS = "rest.request.timeout.ms";
    public static final String STORAGE_TIMEOUT_MS = "storage.timeout.ms";
    public static final String SINK_STATIC_MEMBERSHIP_ENABLE = "sink.static.membership.enable";
    public static final String CONFIG_PROVIDERS = "config.providers";
    public static final String CONNECTOR_CLIENT_POLICY = "connector.client.config.override.policy";
    public static final String TOPIC_CREATION_ENABLE = "topic.creation.enable";
    public static final String EMBEDDED_KAFKA_DIR = "embedded.kafka.dir";
    public static final String TOPIC_TRACKING_ENABLE = "topic.tracking.enable";
    public static final String TOPIC_TRACKING_ALLOW_RESET = "topic.tracking.allow.reset";
    public static final String EMBEDDED_KAFKA_PORT = "embedded.kafka.port";
    public static final String EMBEDDED_KAFKA_CONTROLLER_PORT = "embedded.kafka.controller.port";
    public static final String EXACTLY_ONCE_SOURCE_SUPPORT = "exactly.once.source.support";
    public static final String TASK_AUTO_RESTART_ENABLE = "task.auto.restart.enable";
    public static final String TASK_AUTO_RESTART_BACKOFF_INITIAL_MS = "task.auto.restart.backoff.initial.ms";
    public static final String TASK_AUTO_RESTART_BACKOFF_MAX_MS = "task.auto.restart.backoff.max.ms";
    public static final String TASK_AUTO_RESTART_MAX_ATTEMPTS = "task.auto.restart.max.attempts";
    public static final String SCHEMA_REGISTRY_LISTENERS = "schema.registry.listeners";
    public static final String SCHEMA_REGISTRY_TOPIC = "schema.registry.topic";
    public static final String SCHEMA_REGISTRY_TOPIC_REPLICATION_FACTOR = "schema.registry.topic.replication.factor";
    public static final String SCHEMA_REGISTRY_COMPATIBILITY_LEVEL = "schema.registry.compatibility.level";
    /** Where the built-in schema registry listens when the worker runs the embedded broker and nothing else is set. */
    public static final String DEFAULT_SCHEMA_REGISTRY_LISTENER = "http://:8081";

    public static final String DEFAULT_GROUP_ID = "connect-cluster";
    public static final String DEFAULT_CONVERTER = "org.apache.kafka.connect.json.JsonConverter";
    public static final String DEFAULT_HEADER_CONVERTER = "org.apache.kafka.connect.storage.SimpleHeaderConverter";

    /** Apache's plugin.discovery modes. */
    public static final List<String> PLUGIN_DISCOVERY_MODES = List.of("only_scan", "hybrid_warn", "hybrid_fail", "service_load");
    /** Apache's connector.client.config.override.policy values. */
    public static final List<String> CLIENT_POLICIES = List.of("None", "Principal", "All");

    private static final ConfigDef CORE = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.LIST, List.of(), Importance.HIGH,
                    "Kafka brokers to use. When empty, Sluice starts an embedded single-node KRaft broker.")
            .define(GROUP_ID, Type.STRING, DEFAULT_GROUP_ID, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Names this Connect cluster; the internal topic names derive from it.")
            .define(CONFIG_STORAGE_TOPIC, Type.STRING, null, Importance.MEDIUM,
                    "Compacted topic holding connector configs and target states. Default: <group.id>-configs.")
            .define(OFFSET_STORAGE_TOPIC, Type.STRING, null, Importance.MEDIUM,
                    "Compacted topic holding source offsets, in Apache's format. Default: <group.id>-offsets.")
            .define(STATUS_STORAGE_TOPIC, Type.STRING, null, Importance.MEDIUM,
                    "Compacted topic holding connector and task status. Default: <group.id>-status.")
            .define(CONFIG_STORAGE_REPLICATION_FACTOR, Type.SHORT, (short) -1, Importance.LOW,
                    "Replication factor of the config topic; -1 takes the broker default.")
            .define(OFFSET_STORAGE_REPLICATION_FACTOR, Type.SHORT, (short) -1, Importance.LOW,
                    "Replication factor of the offset topic; -1 takes the broker default.")
            .define(STATUS_STORAGE_REPLICATION_FACTOR, Type.SHORT, (short) -1, Importance.LOW,
                    "Replication factor of the status topic; -1 takes the broker default.")
            .define(OFFSET_STORAGE_PARTITIONS, Type.INT, 25, Range.atLeast(1), Importance.LOW,
                    "Partitions of the offset topic when Sluice creates it.")
            .define(STATUS_STORAGE_PARTITIONS, Type.INT, 5, Range.atLeast(1), Importance.LOW,
                    "Partitions of the status topic when Sluice creates it.")
            .define(OFFSET_STORAGE_FILE_FILENAME, Type.STRING, null, Importance.LOW,
                    "An Apache Kafka Connect standalone offsets file. If it exists, its offsets are imported once into the offset topic.")
            .define(KEY_CONVERTER, Type.CLASS, DEFAULT_CONVERTER, Importance.HIGH,
                    "Default converter for record keys; connectors may override it.")
            .define(VALUE_CONVERTER, Type.CLASS, DEFAULT_CONVERTER, Importance.HIGH,
                    "Default converter for record values; connectors may override it.")
            .define(HEADER_CONVERTER, Type.CLASS, DEFAULT_HEADER_CONVERTER, Importance.LOW,
                    "Default converter for record headers; connectors may override it.")
            .define(PLUGIN_PATH, Type.LIST, List.of("plugins"), Importance.HIGH,
                    "Directories holding plugins: each subdirectory or jar in them is one plugin with its own class loader. "
                            + "Plugins copied in while the worker runs are picked up; an entry that does not exist is warned "
                            + "about at start.")
            .define(PLUGIN_DISCOVERY, Type.STRING, "hybrid_warn",
                    ConfigDef.CaseInsensitiveValidString.in(PLUGIN_DISCOVERY_MODES.toArray(String[]::new)), Importance.LOW,
                    "How plugins are found: only_scan (reflection), service_load (ServiceLoader manifests only), "
                            + "hybrid_warn / hybrid_fail (both, warning or failing on plugins without manifests).")
            .define(PLUGIN_INDEX_DIR, Type.STRING, null, Importance.LOW,
                    "Where what the plugin path scan found is kept between starts (per plugin and per jar, keyed by "
                            + "the files' sizes, modification and status change times), so a start with unchanged plugins opens none of "
                            + "their jars and a changed jar is the only one read again. Default: plugin-index beside the "
                            + "embedded broker's data (data/plugin-index) with the embedded broker, else "
                            + "$XDG_CACHE_HOME/sluice/plugin-index (~/.cache/sluice/plugin-index). Empty: no index, "
                            + "every plugin is scanned at every start. A directory that cannot be written only costs "
                            + "speed.")
            .define(LISTENERS, Type.LIST, List.of("http://:8083"), Importance.HIGH,
                    "REST listeners, as http://host:port and/or https://host:port (TLS from the listeners.https.ssl.* "
                            + "keys, see docs/rest.md); port 0 picks a free port.")
            .define(REST_ADVERTISED_HOST_NAME, Type.STRING, null, Importance.LOW,
                    "Host name other workers and clients should use for this worker.")
            .define(REST_ADVERTISED_PORT, Type.INT, null, Importance.LOW,
                    "Port other workers and clients should use for this worker.")
            .define(REST_ADVERTISED_LISTENER, Type.STRING, null, Importance.LOW,
                    "Protocol advertised to other workers (http or https).")
            .define(OFFSET_FLUSH_INTERVAL_MS, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW,
                    "How often source offsets of acknowledged records are written.")
            .define(OFFSET_FLUSH_TIMEOUT_MS, Type.LONG, 5_000L, Range.atLeast(1), Importance.LOW,
                    "How long an offset flush may wait for its write before it is retried at the next interval.")
            .define(TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS, Type.LONG, 5_000L, Range.atLeast(0), Importance.LOW,
                    "How long connectors and tasks get to stop before the worker gives up on them and moves on (they "
                            + "stop all at once, so a worker stops within about this long however many it runs). One still "
                            + "running then is given up: it commits and reports nothing more.")
            .define(START_TIMEOUT_MS, Type.LONG, 10_000L, Range.atLeast(1), Importance.MEDIUM,
                    "How long a connector's or task's start() may run before its status turns FAILED with a trace "
                            + "of where it is stuck (a database or host that does not answer, say). It keeps "
                            + "starting in the background: RUNNING if start() returns, FAILED with its own error if "
                            + "it throws. Nothing else waits for it: the worker, its REST API and other connectors "
                            + "run meanwhile, and it can be deleted, stopped or reconfigured.")
            .define(START_PARALLELISM, Type.INT, 16, Range.atLeast(1), Importance.LOW,
                    "How many connector and task start()s run at once; the rest wait their turn. A start() "
                            + "longer than start.timeout.ms gives its turn to the next.")
            .define(START_PAUSED, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Safe start: the connectors stored when the worker starts run PAUSED (tasks paused, connector "
                            + "not started), whatever their stored target state, until each is resumed with PUT "
                            + "/connectors/NAME/resume. Nothing is written: without the flag, the next start runs "
                            + "them as stored. Set by bin/connect --paused.")
            .define(SINK_STATIC_MEMBERSHIP_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Whether each sink task's consumer is a static member of its group (group.instance.id "
                            + "connect-<connector>-<task>): after a restart or a move to another worker the task "
                            + "rejoins as the same member and has its partitions back at once, instead of after the "
                            + "consumer's session.timeout.ms (45 s). The trade-off: a task that vanishes without a "
                            + "stop (its worker killed and never back) keeps its partitions for that session timeout "
                            + "unless its successor rejoins; a task removed on purpose (connector deleted, fewer "
                            + "tasks) leaves at once. A connector's consumer.override.group.instance.id is taken as "
                            + "the prefix of its tasks' ids. A static member that comes back to a stable group gets "
                            + "its previous assignment without a rebalance even if its subscription changed meanwhile "
                            + "(topics created for its topics.regex, an edited topics): when a subscribed topic then "
                            + "has no partition in the task, the task asks for one rebalance. A topics.regex sink's "
                            + "consumer looks for new matching topics every 10 s (metadata.max.age.ms; Apache: the "
                            + "client's 5 minutes; consumer.metadata.max.age.ms or a connector override still wins). "
                            + "false: Apache's dynamic members.")
            .define(REST_REQUEST_TIMEOUT_MS, Type.LONG, 90_000L, Range.atLeast(1), Importance.LOW,
                    "How long a REST request waits for the worker to make its change before it answers 500 "
                            + "(the change may still be made; its outcome is logged). Changes never wait for a "
                            + "connector or task to start or stop, and a write Kafka cannot take fails after "
                            + "storage.timeout.ms, so this is a last resort.")
            .define(STORAGE_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(1), Importance.LOW,
                    "How long the worker waits for Kafka on its internal topics (config, offset and status): to "
                            + "learn the cluster's id, create and read the topics at start, and write a change. A "
                            + "change Kafka does not take within it, counted from the request's arrival, answers 500 "
                            + "'is Kafka reachable?' and is never applied later, while reads answer from what the "
                            + "worker has read; a start "
                            + "whose Kafka never answers stops with 'Cannot reach Kafka'. (Apache waits a fixed 30 s "
                            + "on its config topic.)")
            .define(CONFIG_PROVIDERS, Type.LIST, List.of(), Importance.LOW,
                    "Names of config providers; each is configured with config.providers.<name>.class and "
                            + "config.providers.<name>.param.*.")
            .define(CONNECTOR_CLIENT_POLICY, Type.STRING, "All",
                    ValidString.in(CLIENT_POLICIES.toArray(String[]::new)), Importance.MEDIUM,
                    "Which producer.override.*, consumer.override.* and admin.override.* keys connectors may set: "
                            + "None, Principal (only sasl.jaas.config, security.protocol, sasl.mechanism) or All.")
            .define(TOPIC_CREATION_ENABLE, Type.BOOLEAN, true, Importance.LOW,
                    "Whether source connectors may create their topics with topic.creation.* settings.")
            .define(TOPIC_TRACKING_ENABLE, Type.BOOLEAN, true, Importance.LOW,
                    "Whether the worker records the topics each connector uses (GET /connectors/{name}/topics).")
            .define(TOPIC_TRACKING_ALLOW_RESET, Type.BOOLEAN, true, Importance.LOW,
                    "Whether PUT /connectors/{name}/topics/reset may clear a connector's recorded topics.")
            .define(EMBEDDED_KAFKA_DIR, Type.STRING, "data/kafka", Importance.MEDIUM,
                    "Data directory of the embedded broker (used only without bootstrap.servers).")
            .define(EMBEDDED_KAFKA_PORT, Type.INT, 9092, Range.between(0, 65535), Importance.MEDIUM,
                    "Port of the embedded broker; 0 picks a free port (logged). A port in use stops the start with one "
                            + "line naming this key.")
            .define(EMBEDDED_KAFKA_CONTROLLER_PORT, Type.INT, 0, Range.between(0, 65535), Importance.LOW,
                    "Port of the embedded broker's KRaft controller, on 127.0.0.1 (used only without bootstrap.servers); "
                            + "0 picks a free port at each start.")
            .define(EXACTLY_ONCE_SOURCE_SUPPORT, Type.STRING, "disabled",
                    ConfigDef.CaseInsensitiveValidString.in("disabled", "preparing", "enabled"), Importance.HIGH,
                    "KIP-618: 'enabled' writes each source task's records and offsets in Kafka transactions (one "
                            + "transactional producer per task, so a task's zombie is fenced); 'preparing' and "
                            + "'disabled' write them as usual (docs/distributed.md#exactly-once-source).")
            .define(TASK_AUTO_RESTART_ENABLE, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Whether the worker restarts failed tasks by itself, after a growing backoff (Sluice's own key; "
                            + "Apache leaves failed tasks FAILED until someone restarts them). The FAILED status trace then "
                            + "starts with 'Restarting automatically in N ms (attempt i of n)', or 'Gave up restarting "
                            + "automatically after n attempt(s)'.")
            .define(TASK_AUTO_RESTART_BACKOFF_INITIAL_MS, Type.LONG, 1_000L, Range.atLeast(0), Importance.LOW,
                    "Wait before the first automatic restart of a failed task; it doubles with each further attempt.")
            .define(TASK_AUTO_RESTART_BACKOFF_MAX_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
                    "Longest wait between automatic restarts; a task that ran longer than this since its last "
                            + "restart counts its attempts afresh.")
            .define(TASK_AUTO_RESTART_MAX_ATTEMPTS, Type.INT, 10, Range.atLeast(-1), Importance.LOW,
                    "Automatic restarts of a task in a row before it is left FAILED; -1 for no limit.")
            // the built-in Confluent-compatible schema registry
            .define(SCHEMA_REGISTRY_LISTENERS, Type.LIST, null, Importance.MEDIUM,
                    "Listeners of the built-in Confluent-compatible Schema Registry, as http://host:port or "
                            + "https://host:port (TLS from the REST API's listeners.https.ssl.* keys); port 0 picks a "
                            + "free port. Unset: " + DEFAULT_SCHEMA_REGISTRY_LISTENER + " when the worker runs the "
                            + "embedded broker (skipped with a warning when that port is taken), off otherwise. Empty: off.")
            .define(SCHEMA_REGISTRY_TOPIC, Type.STRING, "_schemas", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Compacted single-partition topic holding the registry's schemas, in Confluent's format (an "
                            + "existing Confluent registry's topic is read as is).")
            .define(SCHEMA_REGISTRY_TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) -1, Importance.LOW,
                    "Replication factor of the schemas topic when the registry creates it; -1 takes the broker default.")
            .define(SCHEMA_REGISTRY_COMPATIBILITY_LEVEL, Type.STRING, "BACKWARD",
                    ConfigDef.CaseInsensitiveValidString.in("NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD",
                            "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"), Importance.LOW,
                    "Compatibility level of subjects without their own, until PUT /config sets a global one.");

    /** Each part's definition by the name its key table has in the docs, the worker's own keys first. */
    public static final Map<String, ConfigDef> PARTS = parts();

    /** Every worker key Sluice reads: the worker's own and its parts'. */
    public static final ConfigDef CONFIG = embed(PARTS.values());

    /** The URL of the schema registry this worker runs, or null: what its converters use when they name none. */
    private final java.net.URI ownSchemaRegistry;
    private final RestConfig rest = new RestConfig(this);
    private final ObservabilityConfig observability = new ObservabilityConfig(this);
    private final TopicsConfig topics = new TopicsConfig(this);

    public WorkerConfig(Map<String, String> props) {
        this(props, null);
    }

    private WorkerConfig(Map<?, ?> props, java.net.URI ownSchemaRegistry) {
        super(CONFIG, props, false);
        this.ownSchemaRegistry = ownSchemaRegistry;
    }

    private static Map<String, ConfigDef> parts() {
        Map<String, ConfigDef> parts = new java.util.LinkedHashMap<>();
        parts.put("worker", CORE);
        parts.put("distributed", DistributedConfig.DEFINITION);
        parts.put("rest", RestConfig.DEFINITION);
        parts.put("observability", ObservabilityConfig.DEFINITION);
        parts.put("topics", TopicsConfig.DEFINITION);
        return java.util.Collections.unmodifiableMap(parts);
    }

    private static ConfigDef embed(java.util.Collection<ConfigDef> definitions) {
        ConfigDef all = new ConfigDef();
        definitions.forEach(def -> def.configKeys().values().forEach(all::define));
        return all;
    }

    /** The REST server's keys beyond listeners. */
    public RestConfig rest() {
        return rest;
    }

    /** The keys of metrics, the progress log, the console and the metrics endpoint. */
    public ObservabilityConfig observability() {
        return observability;
    }

    /** The keys of topic peek and produce over REST. */
    public TopicsConfig topics() {
        return topics;
    }

    /** This config on a worker whose own schema registry answers at url (known once its listener is bound). */
    public WorkerConfig withOwnSchemaRegistry(java.net.URI url) {
        return new WorkerConfig(originals(), url);
    }

    /**
     * Settings a key or value converter gets unless it sets them itself: on a worker that runs a schema registry,
     * its URL as {@code schema.registry.url}, so an Avro converter needs no URL there (the zero-setup start).
     */
    public Map<String, String> converterDefaults() {
        return ownSchemaRegistry == null ? Map.of() : Map.of("schema.registry.url", ownSchemaRegistry.toString());
    }

    /**
     * The worker's converter for key.converter, value.converter or header.converter: the class name or alias
     * configured, or the default. It is what a connector that names none of its own uses.
     */
    public String converter(String key) {
        Object configured = originals().get(key);
        if (configured instanceof Class<?> cls) {
            return cls.getName();
        }
        if (configured != null && !configured.toString().isBlank()) {
            return configured.toString().trim();
        }
        return HEADER_CONVERTER.equals(key) ? DEFAULT_HEADER_CONVERTER : DEFAULT_CONVERTER;
    }

    /** The schema registry's listeners: as configured, else the default one when the broker is embedded, else none. */
    public List<String> schemaRegistryListeners() {
        List<String> listeners = getList(SCHEMA_REGISTRY_LISTENERS);
        if (listeners == null) {
            return embeddedKafka() ? List.of(DEFAULT_SCHEMA_REGISTRY_LISTENER) : List.of();
        }
        return listeners.stream().filter(l -> !l.isBlank()).toList();
    }

    public boolean topicTrackingEnabled() {
        return getBoolean(TOPIC_TRACKING_ENABLE);
    }

    /** Where the plugin index is kept (plugin.index.dir, or its default); null when it is turned off. */
    public Path pluginIndexDir() {
        String dir = getString(PLUGIN_INDEX_DIR);
        if (dir != null) {
            return dir.isBlank() ? null : Path.of(dir);
        }
        if (embeddedKafka()) {
            Path data = Path.of(getString(EMBEDDED_KAFKA_DIR)).toAbsolutePath().normalize();
            return (data.getParent() != null ? data.getParent() : data).resolve("plugin-index");
        }
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sluice").resolve("plugin-index");
    }

    /** Whether the worker must start its own broker (no bootstrap.servers). */
    public boolean embeddedKafka() {
        return getList(BOOTSTRAP_SERVERS).isEmpty();
    }

    /** Whether source tasks write records and offsets in transactions (exactly.once.source.support=enabled). */
    public boolean exactlyOnceSource() {
        return getString(EXACTLY_ONCE_SOURCE_SUPPORT).equalsIgnoreCase("enabled");
    }

    public String groupId() {
        return getString(GROUP_ID);
    }

    public String configTopic() {
        return topicOrDefault(CONFIG_STORAGE_TOPIC, "-configs");
    }

    public String offsetTopic() {
        return topicOrDefault(OFFSET_STORAGE_TOPIC, "-offsets");
    }

    public String statusTopic() {
        return topicOrDefault(STATUS_STORAGE_TOPIC, "-status");
    }

    private String topicOrDefault(String key, String suffix) {
        String topic = getString(key);
        return topic == null || topic.isBlank() ? groupId() + suffix : topic;
    }

    /**
     * Client settings shared by every Kafka client the worker creates: the worker's own top-level
     * client keys (security, bootstrap) plus, when prefix is not null, the prefix's keys
     * (producer., consumer., admin.).
     */
    public Map<String, Object> clientConfig(String prefix, String bootstrapServers) {
        Map<String, Object> props = new java.util.HashMap<>();
        for (Map.Entry<String, ?> e : originals().entrySet()) {
            String key = e.getKey();
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                props.put(key, e.getValue());
            }
        }
        if (prefix != null) {
            props.putAll(originalsWithPrefix(prefix));
        }
        props.put(BOOTSTRAP_SERVERS, bootstrapServers);
        return props;
    }
}
