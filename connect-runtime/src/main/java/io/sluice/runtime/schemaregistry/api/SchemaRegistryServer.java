package io.sluice.runtime.schemaregistry.api;

import io.sluice.runtime.config.RestConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.rest.BasicAuthFilter;
import io.sluice.runtime.rest.JsonErrorHandler;
import io.sluice.runtime.rest.NumberParams;
import io.sluice.runtime.rest.PeerHttpClient;
import io.sluice.runtime.rest.RequestForwarder;
import io.sluice.runtime.rest.RestListeners;
import io.sluice.runtime.schemaregistry.RegistryException;
import io.sluice.runtime.schemaregistry.SchemaRegistry;
import io.sluice.runtime.schemaregistry.compatibility.CompatibilityLevel;
import io.sluice.runtime.schemaregistry.storage.SchemaStore;
import io.sluice.runtime.schemaregistry.storage.WriterElection;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.connect.errors.ConnectException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's built-in Confluent-compatible Schema Registry: its schemas topic read to the end, then Confluent's
 * REST API on its own Jetty listeners (schema.registry.listeners). Started by the worker, closed with it.
 */
public final class SchemaRegistryServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

    private final SchemaStore store;
    private final SchemaRegistry registry;
    private final Server server;
    private final List<ServerConnector> connectors;
    private final String topic;
    private final List<String> listeners;
    private final WriterElection election;
    private final RegistryMetrics metrics = new RegistryMetrics();

    private SchemaRegistryServer(WorkerConfig config, List<String> listeners, String bootstrapServers) {
        this.topic = config.getString(WorkerConfig.SCHEMA_REGISTRY_TOPIC);
        this.listeners = listeners;
        this.store = new SchemaStore(config.clientConfig(null, bootstrapServers), topic,
                config.getShort(WorkerConfig.SCHEMA_REGISTRY_TOPIC_REPLICATION_FACTOR), STORE_TIMEOUT);
        this.registry = new SchemaRegistry(store,
                CompatibilityLevel.named(config.getString(WorkerConfig.SCHEMA_REGISTRY_COMPATIBILITY_LEVEL))
                        .orElseThrow(RegistryException::invalidCompatibilityLevel));
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("sluice-schema-registry");
        threads.setDaemon(true);
        this.server = new Server(threads);
        server.setErrorHandler(new JsonErrorHandler());
        RestConfig rest = config.rest();
        this.connectors = RestListeners.create(server, WorkerConfig.SCHEMA_REGISTRY_LISTENERS, listeners,
                rest.httpsSslSettings(), "schema-registry");
        connectors.forEach(server::addConnector);
        server.setHandler(context(rest));
        server.setStopTimeout(5_000);
        this.election = new WriterElection(config.clientConfig(null, bootstrapServers), topic, "sluice-schema-registry-" + topic,
                () -> url(advertisedHost(config)));
    }

    /**
     * Starts the registry when schema.registry.listeners asks for it (unset: when the worker runs the embedded
     * broker); returns null when it is off.
     */
    public static SchemaRegistryServer startIfEnabled(WorkerConfig config, String bootstrapServers) {
        SchemaRegistryServer server = bindIfEnabled(config, bootstrapServers);
        if (server != null) {
            try {
                server.start();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }
        return server;
    }

    /**
     * Binds the registry's listeners when schema.registry.listeners asks for it, so its {@link #url()} is known, without
     * reading its topic or serving yet: a worker builds what needs the URL while {@link #start()} runs, and a client
     * that connects meanwhile waits in the listen queue until the registry answers. Returns null when it is off.
     */
    public static SchemaRegistryServer bindIfEnabled(WorkerConfig config, String bootstrapServers) {
        List<String> listeners = config.schemaRegistryListeners();
        if (listeners.isEmpty()) {
            return null;
        }
        SchemaRegistryServer server = new SchemaRegistryServer(config, listeners, bootstrapServers);
        try {
            server.bind();
        } catch (RuntimeException e) {
            server.close();
            if (!config.originals().containsKey(WorkerConfig.SCHEMA_REGISTRY_LISTENERS)
                    && e instanceof org.apache.kafka.common.config.ConfigException) {
                // the default listener only: a registry of the user's own may hold 8081; the worker runs without ours
                log.warn("The built-in schema registry is off: {} is taken by another process; set {} to another port "
                        + "to run it", listeners, WorkerConfig.SCHEMA_REGISTRY_LISTENERS);
                return null;
            }
            throw e;
        }
        return server;
    }

    /** The API, behind the REST API's own authentication (rest.basic.auth.users.file) when it has one. */
    private ServletContextHandler context(RestConfig rest) {
        java.util.logging.Logger.getLogger("org.glassfish.jersey").setLevel(java.util.logging.Level.SEVERE);
        ResourceConfig resources = new ResourceConfig()
                .register(JacksonFeature.withoutExceptionMappers())
                .register(new RegistryExceptionMapper())
                .register(new NumberParams())
                .register(metrics)
                // writes reaching a registry that does not write go to the one that does, as Confluent's followers do
                .register(new RequestForwarder(new PeerHttpClient(rest.httpsSslSettings(), Duration.ofSeconds(10)), 500, 50003))
                .register(new RequestForwarder.BodyKeeper())
                .register(new RegistryRootResource())
                .register(new SubjectsResource(registry))
                .register(new SchemasResource(registry))
                .register(new ConfigResource(registry.settings()))
                .register(new ModeResource(registry))
                .register(new CompatibilityResource(registry))
                .property(ServerProperties.WADL_FEATURE_DISABLE, true)
                .property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        String usersFile = rest.basicAuthUsersFile();
        if (usersFile != null && !usersFile.isBlank()) {
            resources.register(BasicAuthFilter.fromFile(usersFile, rest.basicAuthRealm(), "Schema registry"));
        }
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.setErrorHandler(new JsonErrorHandler.ForServlets());
        // subjects with encoded slashes (%2F) reach the API, as Confluent's clients send them
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        context.addServlet(new ServletHolder(new ServletContainer(resources)), "/*");
        return context;
    }

    private void bind() {
        try {
            RestListeners.open(WorkerConfig.SCHEMA_REGISTRY_LISTENERS, connectors);
        } catch (org.apache.kafka.common.config.ConfigException portInUse) {
            throw portInUse;
        } catch (Exception e) {
            throw cannotStart(e);
        }
    }

    /** Reads the schemas topic to its end, then serves on the listeners {@link #bindIfEnabled} bound. */
    public void start() {
        store.start();
        try {
            server.start();
        } catch (Exception e) {
            throw cannotStart(e);
        }
        election.start();
        store.guardWrites(election::requireWriter);
        log.info("Schema registry listening at {} (schemas in topic {})", urls(), topic);
    }

    private ConnectException cannotStart(Exception e) {
        return new ConnectException("Could not start the schema registry on " + listeners + ": " + e.getMessage()
                + "; set " + WorkerConfig.SCHEMA_REGISTRY_LISTENERS + " to a free port, or empty to turn the "
                + "registry off", e);
    }

    /** The URL local clients use, e.g. http://localhost:8081/ (the first listener; a wildcard host as localhost). */
    public URI url() {
        return url("localhost");
    }

    /** The first listener's URL, a wildcard host replaced by wildcardHost. */
    private URI url(String wildcardHost) {
        ServerConnector first = connectors.get(0);
        String host = first.getHost() == null || first.getHost().equals("0.0.0.0") ? wildcardHost : first.getHost();
        return URI.create((RestListeners.isHttps(first) ? "https" : "http") + "://" + host + ":" + first.getLocalPort() + "/");
    }

    /** The host other workers reach this one by when the listener binds every interface: the REST API's. */
    private static String advertisedHost(WorkerConfig config) {
        String host = config.getString(WorkerConfig.REST_ADVERTISED_HOST_NAME);
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    private List<String> urls() {
        return connectors.stream().map(c -> (RestListeners.isHttps(c) ? "https" : "http") + "://"
                + (c.getHost() == null ? "" : c.getHost()) + ":" + c.getLocalPort()).toList();
    }

    public SchemaRegistry registry() {
        return registry;
    }

    /** Shows the registry's figures in the worker's metrics (JMX and GET /metrics) until it closes. */
    public void registerMetrics(io.sluice.runtime.metrics.MetricsRegistry workerMetrics) {
        metrics.register(workerMetrics, registry, election);
    }

    @Override
    public void close() {
        metrics.unregister();
        try {
            if (server.isStarted() || server.isStarting()) {
                server.stop();
            }
        } catch (Exception e) {
            log.warn("Schema registry did not stop cleanly", e);
        }
        connectors.forEach(ServerConnector::close);
        election.close();
        store.close();
    }
}
