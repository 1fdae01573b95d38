package io.sluice.jdbc.source;

import io.sluice.jdbc.ConfigProblem;
import io.sluice.jdbc.ConnectionKeys;
import io.sluice.jdbc.TableId;
import io.sluice.jdbc.Versions;
import io.sluice.jdbc.dialect.DatabaseDialect;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

/** Reads database tables (or one query) into topics (Confluent JDBC source compatible keys). */
public class JdbcSourceConnector extends SourceConnector {
    private Map<String, String> props;
    private JdbcSourceConfig config;
    private TableMonitor monitor;

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        config = new JdbcSourceConfig(props);
        ConfigProblem.throwFirst(config.problems());
        if (!config.query().isEmpty()) {
            return;
        }
        DatabaseDialect dialect = ConnectionKeys.dialect(config);
        monitor = new TableMonitor(dialect, config, context);
        monitor.start(props.getOrDefault("name", "source"));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return JdbcSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        if (!config.query().isEmpty()) {
            return List.of(props);
        }
        List<TableId> tables = monitor.tables();
        int groups = Math.min(maxTasks, tables.size());
        List<List<TableId>> grouped = new ArrayList<>();
        for (int i = 0; i < groups; i++) {
            grouped.add(new ArrayList<>());
        }
        for (int i = 0; i < tables.size(); i++) {
            grouped.get(i % groups).add(tables.get(i));
        }
        List<Map<String, String>> configs = new ArrayList<>(groups);
        for (List<TableId> group : grouped) {
            Map<String, String> taskProps = new HashMap<>(props);
            taskProps.put(JdbcSourceConfig.TASK_TABLES, TableId.formatList(group));
            configs.add(taskProps);
        }
        return configs;
    }

    @Override
    public void stop() {
        if (monitor != null) {
            monitor.close();
            monitor = null;
        }
    }

    @Override
    public ConfigDef config() {
        return JdbcSourceConfig.CONFIG_DEF;
    }

    /**
     * Each key, then the rules across keys, then the database itself: connects (one try, short timeouts) and reports
     * a refused password, user, host, port or database on the key at fault, and included tables that do not exist,
     * cannot be read, or lack the mode's columns on the key naming them.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return ConfigProblem.validateInSteps(super.validate(connectorConfigs),
                () -> new JdbcSourceConfig(connectorConfigs).problems(),
                () -> {
                    JdbcSourceConfig config = new JdbcSourceConfig(connectorConfigs);
                    return SourceDatabaseCheck.problems(config, ConnectionKeys.dialect(config));
                });
    }

    @Override
    public String version() {
        return Versions.VERSION;
    }
}
