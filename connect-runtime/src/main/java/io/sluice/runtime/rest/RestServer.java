package io.sluice.runtime.rest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.config.SecretKeys;
import io.sluice.runtime.config.ObservabilityConfig;
import io.sluice.runtime.config.RestConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.herder.Herder;
import io.sluice.runtime.metrics.ConnectMetrics;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.topics.TopicService;
import io.sluice.runtime.storage.ConfigStore;
import jakarta.servlet.DispatcherType;
import jakarta.ws.rs.ext.ContextResolver;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.kafka.connect.errors.ConnectException;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty-hosted REST API on Apache's listeners (http and https, plus admin.listeners). It listens from
 * {@link #bind()} on, because the advertised URL is the worker's id, answering 503 "starting" until
 * {@link #start} installs the API over the herder.
 */
public final class RestServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RestServer.class);
    /** The largest request body: a connector config of the most the config store takes, and room for its wrapper. */
    static final long MAX_REQUEST_BYTES = ConfigStore.MAX_CONFIG_BYTES + 1024 * 1024;

    private final WorkerConfig config;
    private final RestConfig restConfig;
    private final Server server;
    private final List<ServerConnector> connectors;
    private final List<ServerConnector> adminConnectors;
    private final Handler.Wrapper root = new Handler.Wrapper(true, new StartingHandler());
    private final RestExtensions extensions = new RestExtensions();
    private final StartupGate gate;
    private volatile boolean started;
    private volatile ServletContextHandler prepared;

    /**
     * What the observability endpoints serve, each null when absent: GET /metrics and the "live" field of task
     * statuses from the worker's metrics, topic peek/produce, and the console's view of the worker's schema registry.
     */
    public record Observability(ConnectMetrics metrics, TopicService topics, URI schemaRegistry) {
        public static final Observability NONE = new Observability(null, null, null);
    }

    public RestServer(WorkerConfig config) {
        JettyWireLogFilter.install();
        this.config = config;
        this.restConfig = config.rest();
        this.gate = new StartupGate(config.getLong(WorkerConfig.REST_REQUEST_TIMEOUT_MS));
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("sluice-rest");
        threads.setDaemon(true);
        this.server = new Server(threads);
        server.setErrorHandler(new JsonErrorHandler());
        List<String> listeners = config.getList(WorkerConfig.LISTENERS);
        this.connectors = RestListeners.create(server, WorkerConfig.LISTENERS,
                listeners.isEmpty() ? List.of("http://:" + RestListeners.DEFAULT_PORT) : listeners,
                restConfig.httpsSslSettings(), "rest");
        if (connectors.isEmpty()) {
            throw new org.apache.kafka.common.config.ConfigException(WorkerConfig.LISTENERS, listeners,
                    "at least one listener is needed");
        }
        List<String> admin = restConfig.adminListeners();
        this.adminConnectors = admin == null ? List.of()
                : RestListeners.create(server, RestConfig.ADMIN_LISTENERS, admin, restConfig.httpsSslSettings(), "admin");
        connectors.forEach(server::addConnector);
        adminConnectors.forEach(server::addConnector);
        // a body larger than any config the store takes is refused (413) before it is read into memory
        SizeLimitHandler limit = new SizeLimitHandler(MAX_REQUEST_BYTES, -1);
        limit.setHandler(root);
        server.setHandler(limit);
        server.setStopTimeout(5_000);
    }

    /** Starts listening (answering 503 until {@link #start}), so the advertised URL is known before anything else starts. */
    public URI bind() {
        try {
            RestListeners.open(WorkerConfig.LISTENERS, connectors);
            RestListeners.open(RestConfig.ADMIN_LISTENERS, adminConnectors);
            server.start();
        } catch (org.apache.kafka.common.config.ConfigException e) {
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new ConnectException("Could not bind the REST listeners " + config.getList(WorkerConfig.LISTENERS)
                    + ": " + e.getMessage(), e);
        }
        return advertisedUrl();
    }

    /** The URL clients and other workers use for this worker; also its worker id. */
    public URI advertisedUrl() {
        ServerConnector first = connectors.get(0);
        String host = config.getString(WorkerConfig.REST_ADVERTISED_HOST_NAME);
        if (host == null || host.isBlank()) {
            host = first.getHost();
            if (host == null || host.isBlank() || host.equals("0.0.0.0")) {
                host = localHostName();
            }
        }
        Integer port = config.getInt(WorkerConfig.REST_ADVERTISED_PORT);
        String protocol = config.getString(WorkerConfig.REST_ADVERTISED_LISTENER);
        if (protocol == null || protocol.isBlank()) {
            protocol = RestListeners.isHttps(first) ? "https" : "http";
        }
        return URI.create(protocol + "://" + host + ":" + (port == null ? first.getLocalPort() : port) + "/");
    }

    /** The URL of the admin listener, when admin.listeners names one; else null. */
    public URI adminUrl() {
        if (adminConnectors.isEmpty()) {
            return null;
        }
        ServerConnector admin = adminConnectors.get(0);
        String host = admin.getHost() == null || admin.getHost().equals("0.0.0.0") ? "localhost" : admin.getHost();
        return URI.create((RestListeners.isHttps(admin) ? "https" : "http") + "://" + host + ":" + admin.getLocalPort() + "/");
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    /** Starts serving the REST API over the given herder (no REST extensions: they need the plugins). */
    public void start(Herder herder, ServerInfo info) {
        start(herder, info, null, Observability.NONE);
    }

    /** Starts serving the REST API over the given herder, with the rest.extension.classes found in plugins. */
    public void start(Herder herder, ServerInfo info, Plugins plugins, Observability observability) {
        prepare(herder, () -> info, plugins, observability);
        open();
        herderStarted();
    }

    /**
     * Builds and starts the REST API over the given herder, with the rest.extension.classes found in plugins and the
     * observability endpoints over what the worker gives them, without serving it yet: the slow part of starting
     * the REST server (Jersey's initialization), which can run while the worker's stores are read. {@link #open}
     * then serves it at once.
     */
    public void prepare(Herder herder, java.util.function.Supplier<ServerInfo> info, Plugins plugins,
                        Observability observability) {
        // Jersey logs through java.util.logging, to stderr; its registration notices are noise
        java.util.logging.Logger.getLogger("org.glassfish.jersey").setLevel(java.util.logging.Level.SEVERE);
        ObjectMapper mapper = new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        SecretKeys secrets = new SecretKeys(plugins);
        ResourceConfig resources = new ResourceConfig()
                .register(JacksonFeature.withoutExceptionMappers())
                .register(new MapperResolver(mapper))
                .register(new RestExceptionMapper())
                .register(new NumberParams())
                .register(new RequestForwarder(new PeerHttpClient(restConfig.httpsSslSettings(), Duration.ofSeconds(10))))
                .register(new RequestForwarder.BodyKeeper())
                .register(new EmptyErrorBodyFilter())
                .register(gate)
                .register(new RootResource(info))
                .register(new HealthResource(herder))
                .register(new OpenApiResource())
                .register(new ConnectorsResource(herder, secrets, restConfig.redactConfigEndpoint()))
                .register(new ConnectorOffsetsResource(herder))
                .register(new ConnectorTopicsResource(herder, config.getBoolean(WorkerConfig.TOPIC_TRACKING_ENABLE),
                        config.getBoolean(WorkerConfig.TOPIC_TRACKING_ALLOW_RESET)))
                .register(new ConnectorPluginsResource(herder, secrets))
                .property(ServerProperties.WADL_FEATURE_DISABLE, true)
                .property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        registerObservability(resources, observability, mapper);
        List<String> admin = restConfig.adminListeners();
        if (admin == null || !admin.stream().allMatch(String::isBlank)) {
            resources.register(new LoggersResource(herder));
        }
        String usersFile = restConfig.basicAuthUsersFile();
        if (usersFile != null && !usersFile.isBlank()) {
            resources.register(BasicAuthFilter.fromFile(usersFile, restConfig.basicAuthRealm(), "REST API"));
        }
        List<String> extensionClasses = restConfig.extensionClasses();
        if (!extensionClasses.isEmpty()) {
            if (plugins == null) {
                throw new ConnectException(RestConfig.REST_EXTENSION_CLASSES + " needs the worker's plugins");
            }
            extensions.register(extensionClasses, plugins, config.originals(), resources, herder,
                    info.get().kafkaClusterId());
        }
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.setErrorHandler(new JsonErrorHandler.ForServlets());
        // names with encoded slashes or dots reach the API, which answers 404 as JSON, rather than a bare 400
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        if (extensions.loader() != null) {
            // JAAS login modules of an extension load through the thread's context loader while requests run
            context.setClassLoader(extensions.loader());
        }
        if (!adminConnectors.isEmpty()) {
            context.addFilter(new FilterHolder(new AdminListenerFilter(adminConnectors)), "/*",
                    EnumSet.of(DispatcherType.REQUEST));
        }
        context.addFilter(new FilterHolder(new HeaderCheckFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder api = new ServletHolder(new ServletContainer(resources));
        api.setInitOrder(0); // Jersey initializes while the context starts, not on the first request
        context.addServlet(api, "/*");
        try {
            // started before it replaces the "starting" handler: a half-started context would answer 404
            context.setServer(server);
            context.start();
            prepared = context;
        } catch (Exception e) {
            throw new ConnectException("Could not start the REST server: " + e, e);
        }
    }

    /**
     * Serves the API {@link #prepare} built, in place of the 503 "starting" answers, once the config topic is read: what
     * answers from the connector configs is served at once, the rest waits for {@link #herderStarted}.
     */
    public void open() {
        if (prepared == null) {
            throw new IllegalStateException("The REST API was not prepared");
        }
        root.setHandler(prepared);
        started = true;
        List<String> urls = new ArrayList<>();
        for (ServerConnector c : connectors) {
            urls.add((RestListeners.isHttps(c) ? "https" : "http") + "://" + c.getHost() + ":" + c.getLocalPort());
        }
        log.info("REST server listening at {}, advertising URL {}", urls, advertisedUrl());
    }

    /** The herder has started: status, offsets, tasks and changes are served too, and /health may say healthy. */
    public void herderStarted() {
        gate.open();
        log.info("REST API serving every request");
    }

    private void registerObservability(ResourceConfig resources, Observability served, ObjectMapper mapper) {
        ObservabilityConfig observability = config.observability();
        if (served.metrics() != null) {
            resources.register(new LiveStatusFilter(served.metrics(), mapper));
            if (observability.metricsEndpointEnabled()) {
                resources.register(new MetricsResource(served.metrics().registry()));
            }
        }
        if (served.topics() != null) {
            resources.register(new TopicsResource(served.topics()));
        }
        if (observability.consoleEnabled()) {
            resources.register(new ConsoleResource());
            if (served.schemaRegistry() != null) {
                resources.register(new SchemaRegistryProxy(served.schemaRegistry(),
                        new PeerHttpClient(restConfig.httpsSslSettings(), Duration.ofSeconds(5))));
            }
        }
    }

    /** Gives Jersey our ObjectMapper (unknown JSON properties are ignored, as Apache does). */
    private record MapperResolver(ObjectMapper mapper) implements ContextResolver<ObjectMapper> {
        @Override
        public ObjectMapper getContext(Class<?> type) {
            return mapper;
        }
    }

    /** Answers every request while the worker starts: 503, and KIP-1017's "starting" body on /health. */
    private static final class StartingHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            String body = path.equals("/health") || path.equals("/health/")
                    ? "{\"status\":\"starting\",\"message\":\"Worker is still starting up.\"}"
                    : "{\"error_code\":503,\"message\":\"" + StartupGate.STARTING + "\"}";
            response.setStatus(503);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }

    @Override
    public void close() {
        gate.fail(); // requests still waiting for a start that will not finish are answered now
        try {
            if (server.isStarted() || server.isStarting()) {
                server.stop();
            }
            ServletContextHandler context = prepared;
            if (context != null && !started && context.isStarted()) {
                context.stop(); // prepared but never served: not part of the server's handlers yet
            }
        } catch (Exception e) {
            log.warn("REST server did not stop cleanly", e);
        }
        for (ServerConnector c : connectors) {
            c.close();
        }
        adminConnectors.forEach(ServerConnector::close);
        extensions.close();
        started = false;
    }
}
