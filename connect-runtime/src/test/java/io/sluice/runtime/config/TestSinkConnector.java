package io.sluice.runtime.config;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/** A sink connector for config tests: one required key, one password; validate() throws on demand. */
public class TestSinkConnector extends SinkConnector {
    static final String URL = "target.url";
    static final String SECRET = "target.secret";
    static final String FAIL = "test.fail.validate";

    @Override
    public ConfigDef config() {
        return new ConfigDef()
                .define(URL, ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "Where to write.")
                .define(SECRET, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.HIGH, "The password.")
                .define(FAIL, ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.LOW, "Make validate() throw.");
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        if (Boolean.parseBoolean(connectorConfigs.get(FAIL))) {
            throw new IllegalStateException("boom from validate");
        }
        return super.validate(connectorConfigs);
    }

    @Override
    public void start(Map<String, String> props) {
    }

    @Override
    public Class<? extends Task> taskClass() {
        return null;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of();
    }

    @Override
    public void stop() {
    }

    @Override
    public String version() {
        return "1.0";
    }
}
