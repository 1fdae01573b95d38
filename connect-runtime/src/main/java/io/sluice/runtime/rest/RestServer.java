package io.sluice.runtime.rest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.herder.Herder;
import jakarta.ws.rs.ext.ContextResolver;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
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
 * The Jetty-hosted REST API. It binds its port first ({@link #bind()}), because the advertised URL
 * is the worker's id, and serves requests only once the herder exists ({@link #start}).
 */
public final class RestServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RestServer.class);

    private final WorkerConfig config;
    private final Server server;
    private final ServerConnector connector;
    private volatile boolean started;

    public RestServer(WorkerConfig config) {
        this.config = config;
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("sluice-rest");
        threads.setDaemon(true);
        this.server = new Server(threads);
        this.connector = new ServerConnector(server);
        URI listener = listener(config.getList(WorkerConfig.LISTENERS));
        if (listener.getHost() != null && !listener.getHost().isEmpty()) {
            connector.setHost(listener.getHost());
        }
        connector.setPort(listener.getPort() < 0 ? 8083 : listener.getPort());
        server.addConnector(connector);
        server.setStopTimeout(5_000);
    }

    private static URI listener(List<String> listeners) {
        if (listeners.isEmpty()) {
            return URI.create("http://:8083");
        }
        String first = listeners.get(0).trim();
        URI uri = URI.create(first.replace("://:", "://0.0.0.0:"));
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new org.apache.kafka.common.config.ConfigException(WorkerConfig.LISTENERS, first,
                    "only http:// listeners are supported");
        }
        return uri;
    }

    /** Binds the listener port, so the advertised URL is known before anything else starts. */
    public URI bind() {
        try {
            connector.open();
        } catch (Exception e) {
            throw new org.apache.kafka.connect.errors.ConnectException("Could not bind the REST listener "
                    + config.getList(WorkerConfig.LISTENERS) + ": " + e.getMessage(), e);
        }
        return advertisedUrl();
    }

    /** The URL clients and other workers use for this worker; also its worker id. */
    public URI advertisedUrl() {
        String host = config.getString(WorkerConfig.REST_ADVERTISED_HOST_NAME);
        if (host == null || host.isBlank()) {
            host = connector.getHost();
            if (host == null || host.isBlank() || host.equals("0.0.0.0")) {
                host = localHostName();
            }
        }
        Integer port = config.getInt(WorkerConfig.REST_ADVERTISED_PORT);
        String protocol = config.getString(WorkerConfig.REST_ADVERTISED_LISTENER);
        return URI.create((protocol == null ? "http" : protocol) + "://" + host + ":"
                + (port == null ? connector.getLocalPort() : port) + "/");
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    /** Starts serving the REST API over the given herder. */
    public void start(Herder herder, ServerInfo info) {
        // Jersey logs through java.util.logging, to stderr; its registration notices are noise
        java.util.logging.Logger.getLogger("org.glassfish.jersey").setLevel(java.util.logging.Level.SEVERE);
        ObjectMapper mapper = new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        ResourceConfig resources = new ResourceConfig()
                .register(JacksonFeature.withoutExceptionMappers())
                .register(new MapperResolver(mapper))
                .register(new RestExceptionMapper())
                .register(new RootResource(info))
                .register(new ConnectorsResource(herder))
                .register(new ConnectorPluginsResource(herder))
                .property(ServerProperties.WADL_FEATURE_DISABLE, true)
                .property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new ServletContainer(resources)), "/*");
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new org.apache.kafka.connect.errors.ConnectException("Could not start the REST server: " + e, e);
        }
        started = true;
        log.info("REST server listening at {}, advertising URL {}", server.getURI(), advertisedUrl());
    }

    /** Gives Jersey our ObjectMapper (unknown JSON properties are ignored, as Apache does). */
    private record MapperResolver(ObjectMapper mapper) implements ContextResolver<ObjectMapper> {
        @Override
        public ObjectMapper getContext(Class<?> type) {
            return mapper;
        }
    }

    @Override
    public void close() {
        try {
            if (started || server.isRunning()) {
                server.stop();
            } else {
                connector.close();
            }
        } catch (Exception e) {
            log.warn("REST server did not stop cleanly", e);
        }
    }
}
