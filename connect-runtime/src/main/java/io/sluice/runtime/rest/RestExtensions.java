package io.sluice.runtime.rest;

import io.sluice.runtime.config.RestConfig;
import io.sluice.runtime.herder.ConnectorStateInfo;
import io.sluice.runtime.herder.Herder;
import io.sluice.runtime.herder.HerderException;
import io.sluice.runtime.plugins.LoaderSwap;
import io.sluice.runtime.plugins.Plugins;
import jakarta.ws.rs.core.Configurable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.health.ConnectClusterDetails;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.apache.kafka.connect.health.ConnectorHealth;
import org.apache.kafka.connect.health.ConnectorState;
import org.apache.kafka.connect.health.ConnectorType;
import org.apache.kafka.connect.health.TaskState;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The rest.extension.classes plugins: loaded from the plugin path, configured with the worker config, registered, closed. */
final class RestExtensions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RestExtensions.class);

    private final List<ConnectRestExtension> extensions = new ArrayList<>();

    /** The class loader of the first extension: requests run with it, as JAAS login modules load through it. */
    private ClassLoader loader;

    void register(List<String> classNames, Plugins plugins, Map<String, ?> workerProps, Configurable<? extends Configurable<?>> configurable,
                  Herder herder, String kafkaClusterId) {
        ConnectRestExtensionContext context = new Context(configurable, new ClusterState(herder, kafkaClusterId));
        for (String className : classNames) {
            Class<? extends ConnectRestExtension> cls;
            try {
                cls = plugins.pluginClass(className, ConnectRestExtension.class);
            } catch (RuntimeException e) {
                throw new ConfigException(RestConfig.REST_EXTENSION_CLASSES, className, e.getMessage());
            }
            ConnectRestExtension extension = Plugins.newInstance(cls);
            try (LoaderSwap swap = LoaderSwap.to(cls.getClassLoader())) {
                extension.configure(workerProps);
                extension.register(context);
            }
            extensions.add(extension);
            if (loader == null) {
                loader = cls.getClassLoader();
            }
            log.info("Registered REST extension {}", cls.getName());
        }
    }

    ClassLoader loader() {
        return loader;
    }

    @Override
    public void close() {
        for (ConnectRestExtension extension : extensions) {
            try (LoaderSwap swap = LoaderSwap.to(extension.getClass().getClassLoader())) {
                extension.close();
            } catch (Exception e) {
                log.warn("REST extension {} did not close cleanly", extension.getClass().getName(), e);
            }
        }
        extensions.clear();
    }

    private record Context(Configurable<? extends Configurable<?>> configurable, ConnectClusterState clusterState)
            implements ConnectRestExtensionContext {
    }

    /** What an extension may read about the cluster: connectors, their health and configs, the Kafka cluster id. */
    private record ClusterState(Herder herder, String kafkaClusterId) implements ConnectClusterState {
        @Override
        public Collection<String> connectors() {
            return herder.connectors();
        }

        @Override
        public ConnectorHealth connectorHealth(String name) {
            ConnectorStateInfo status = herder.connectorStatus(name);
            Map<Integer, TaskState> tasks = new HashMap<>();
            for (ConnectorStateInfo.TaskState task : status.tasks()) {
                tasks.put(task.id(), new TaskState(task.id(), task.state(), task.workerId(), task.trace()));
            }
            ConnectorState connector = new ConnectorState(status.connector().state(), status.connector().workerId(),
                    status.connector().trace());
            ConnectorType type;
            try {
                type = ConnectorType.valueOf(String.valueOf(status.type()).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                type = ConnectorType.UNKNOWN;
            }
            return new ConnectorHealth(name, connector, tasks, type);
        }

        @Override
        public Map<String, String> connectorConfig(String name) {
            try {
                return Map.copyOf(herder.connectorConfig(name));
            } catch (HerderException e) {
                throw new org.apache.kafka.connect.errors.NotFoundException(e.getMessage());
            }
        }

        @Override
        public ConnectClusterDetails clusterDetails() {
            return () -> kafkaClusterId;
        }
    }
}
