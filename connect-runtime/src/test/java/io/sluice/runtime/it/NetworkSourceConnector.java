package io.sluice.runtime.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Map;
import io.sluice.runtime.worker.TestSourceConnector;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * A source connector that, like a database source, connects to its system in start(): a TCP connection to
 * host:port and a greeting line read from it. A closed port or an unknown host make start() throw with the
 * network's own error at the root of the cause chain; a greeting "ERR message" makes it throw the server's
 * refusal as a driver would (an SQLException under the connector's own); a server that accepts the connection
 * but never answers makes start() block, as a hung database does. Once connected it runs as the worker tests'
 * {@link TestSourceConnector}. With validate.connects=true its validate() connects too and reports a failure on
 * host, as the JDBC connectors' validation does; host and port are required either way.
 */
public class NetworkSourceConnector extends TestSourceConnector {
    @Override
    public void start(Map<String, String> props) {
        connect(props);
        super.start(props);
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef()
                .define("host", ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH, "host")
                .define("port", ConfigDef.Type.INT, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Range.between(1, 65535),
                        ConfigDef.Importance.HIGH, "port")
                .define("validate.connects", ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.LOW,
                        "whether validate() connects");
    }

    @Override
    public Config validate(Map<String, String> props) {
        Config config = super.validate(props);
        boolean valid = config.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (valid && Boolean.parseBoolean(props.get("validate.connects"))) {
            try {
                connect(props);
            } catch (ConnectException e) {
                config.configValues().stream().filter(v -> v.name().equals("host")).findFirst()
                        .ifPresent(host -> host.addErrorMessage(e.getMessage() + ": " + e.getCause().getCause()));
            }
        }
        return config;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return NetworkSourceTask.class;
    }

    /** Its task connects in start() too, as a database source's task does, and then runs as the test task. */
    public static class NetworkSourceTask extends TestSourceTask {
        @Override
        public void start(Map<String, String> props) {
            connect(props);
            super.start(props);
        }
    }

    private static void connect(Map<String, String> props) {
        String host = props.get("host");
        int port = Integer.parseInt(props.get("port"));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 30_000);
            String greeting = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (greeting != null && greeting.startsWith("ERR ")) {
                throw new ConnectException("Could not connect to the database at " + host + ":" + port,
                        new SQLException(greeting.substring(4), "28P01"));
            }
        } catch (IOException e) {
            throw new ConnectException("Could not connect to the database at " + host + ":" + port,
                    new IOException("The connection attempt failed", e));
        }
    }
}
