package io.sluice.runtime.rest;

import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Turns Apache's listener URLs (http://host:port, https://host:port) into Jetty connectors, TLS configured from ssl.* keys. */
public final class RestListeners {
    static final int DEFAULT_PORT = 8083;

    private RestListeners() {
    }

    /** Parses a listener URL; an empty host (http://:8083) binds every interface. */
    static URI parse(String configKey, String listener) {
        String trimmed = listener.trim();
        URI uri;
        try {
            uri = URI.create(trimmed.replace("://:", "://0.0.0.0:"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(configKey, listener, "not a URL; use http://host:port or https://host:port");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ConfigException(configKey, listener, "the listener protocol must be http or https");
        }
        return uri;
    }

    public static List<ServerConnector> create(Server server, String configKey, List<String> listeners, Map<String, Object> ssl,
                                        String name) {
        List<ServerConnector> connectors = new ArrayList<>();
        for (String listener : listeners) {
            if (listener.isBlank()) {
                continue;
            }
            URI uri = parse(configKey, listener);
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
            http.setUriCompliance(UriCompliance.LEGACY);
            // read what a refused request still sends, so the client sees our answer rather than a reset connection
            http.setMaxUnconsumedRequestContentReads(1024);
            ServerConnector connector;
            if (uri.getScheme().equalsIgnoreCase("https")) {
                SecureRequestCustomizer secure = new SecureRequestCustomizer();
                // clients reach workers by IP as often as by name: the certificate check is theirs to make
                secure.setSniHostCheck(false);
                http.addCustomizer(secure);
                connector = new ServerConnector(server, new SslConnectionFactory(sslContext(ssl, listener), "http/1.1"),
                        new ClientErrorConnectionFactory(http));
            } else {
                connector = new ServerConnector(server, new ClientErrorConnectionFactory(http));
            }
            if (uri.getHost() != null && !uri.getHost().isEmpty()) {
                connector.setHost(uri.getHost());
            }
            connector.setPort(uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort());
            connector.setName(name + "-" + uri.getScheme().toLowerCase(Locale.ROOT));
            connectors.add(connector);
        }
        return connectors;
    }

    /**
     * Opens the listeners one key set. A port another process holds is a mistake in the worker config, said in one
     * line naming the port and the key (a stack trace buried both), as a {@link ConfigException}.
     */
    public static void open(String configKey, List<ServerConnector> connectors) throws IOException {
        for (ServerConnector connector : connectors) {
            try {
                connector.open();
            } catch (IOException e) {
                for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                    if (t instanceof BindException) {
                        throw new ConfigException(configKey, connector.getPort(), "the port is already in use by "
                                + "another process; set " + configKey + " to a listener on a free port (port 0 picks one)");
                    }
                }
                throw e;
            }
        }
    }

    public static boolean isHttps(ServerConnector connector) {
        return connector.getConnectionFactory(SslConnectionFactory.class) != null;
    }

    private static SslContextFactory.Server sslContext(Map<String, Object> ssl, String listener) {
        String keystore = string(ssl, "ssl.keystore.location");
        if (keystore == null) {
            throw new ConfigException("listeners.https.ssl.keystore.location", null,
                    "an https listener (" + listener + ") needs a keystore: set listeners.https.ssl.keystore.location "
                            + "(or ssl.keystore.location) and its password");
        }
        SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setKeyStorePath(keystore);
        factory.setKeyStorePassword(string(ssl, "ssl.keystore.password"));
        factory.setKeyStoreType(orDefault(string(ssl, "ssl.keystore.type"), "JKS"));
        String keyPassword = string(ssl, "ssl.key.password");
        if (keyPassword != null) {
            factory.setKeyManagerPassword(keyPassword);
        }
        String truststore = string(ssl, "ssl.truststore.location");
        if (truststore != null) {
            factory.setTrustStorePath(truststore);
            factory.setTrustStorePassword(string(ssl, "ssl.truststore.password"));
            factory.setTrustStoreType(orDefault(string(ssl, "ssl.truststore.type"), "JKS"));
        }
        String clientAuth = orDefault(string(ssl, "ssl.client.auth"), "none").toLowerCase(Locale.ROOT);
        switch (clientAuth) {
            case "required" -> factory.setNeedClientAuth(true);
            case "requested" -> factory.setWantClientAuth(true);
            case "none" -> { }
            default -> throw new ConfigException("listeners.https.ssl.client.auth", clientAuth, "use none, requested or required");
        }
        factory.setProtocol(orDefault(string(ssl, "ssl.protocol"), "TLSv1.3"));
        List<String> protocols = list(ssl, "ssl.enabled.protocols");
        if (!protocols.isEmpty()) {
            factory.setIncludeProtocols(protocols.toArray(String[]::new));
        }
        List<String> ciphers = list(ssl, "ssl.cipher.suites");
        if (!ciphers.isEmpty()) {
            factory.setIncludeCipherSuites(ciphers.toArray(String[]::new));
        }
        String keyManager = string(ssl, "ssl.keymanager.algorithm");
        if (keyManager != null) {
            factory.setKeyManagerFactoryAlgorithm(keyManager);
        }
        String trustManager = string(ssl, "ssl.trustmanager.algorithm");
        if (trustManager != null) {
            factory.setTrustManagerFactoryAlgorithm(trustManager);
        }
        factory.setEndpointIdentificationAlgorithm(string(ssl, "ssl.endpoint.identification.algorithm"));
        return factory;
    }

    private static String string(Map<String, Object> ssl, String key) {
        Object value = ssl.get(key);
        if (value instanceof org.apache.kafka.common.config.types.Password password) {
            return password.value();
        }
        return value == null || value.toString().isBlank() ? null : value.toString().trim();
    }

    private static List<String> list(Map<String, Object> ssl, String key) {
        String value = string(ssl, key);
        return value == null ? List.of() : List.of(value.split("\\s*,\\s*"));
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
