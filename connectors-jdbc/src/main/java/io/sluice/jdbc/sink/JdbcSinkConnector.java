package io.sluice.jdbc.sink;

import io.sluice.jdbc.ConfigProblem;
import io.sluice.jdbc.ConnectionKeys;
import io.sluice.jdbc.Versions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/** Writes records from topics into database tables (Confluent JDBC sink compatible keys). */
public class JdbcSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        // fail fast on bad keys, at start rather than in every task
        ConfigProblem.throwFirst(new JdbcSinkConfig(props).problems());
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return JdbcSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return JdbcSinkConfig.CONFIG_DEF;
    }

    /**
     * Each key, then the rules across keys (pk.mode with delete.enabled and insert.mode...), then the database
     * itself: connects (one try, short timeouts) and reports a refused password, user, host, port or database on the
     * key at fault, and the tables of the listed topics that are missing (without auto.create) or may not be written.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return ConfigProblem.validateInSteps(super.validate(connectorConfigs),
                () -> new JdbcSinkConfig(connectorConfigs).problems(),
                () -> {
                    JdbcSinkConfig config = new JdbcSinkConfig(connectorConfigs);
                    return SinkDatabaseCheck.problems(config, ConnectionKeys.dialect(config),
                            connectorConfigs.get(SinkConnector.TOPICS_CONFIG));
                });
    }

    @Override
    public String version() {
        return Versions.VERSION;
    }
}
