package io.sluice.runtime.plugins;

import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/** The kinds of plugin a worker loads, with the names Apache's REST API gives them. */
public enum PluginType {
    SOURCE("source", SourceConnector.class),
    SINK("sink", SinkConnector.class),
    CONVERTER("converter", Converter.class),
    HEADER_CONVERTER("header_converter", HeaderConverter.class),
    TRANSFORMATION("transformation", Transformation.class),
    PREDICATE("predicate", Predicate.class),
    CONFIG_PROVIDER("config_provider", ConfigProvider.class),
    REST_EXTENSION("rest_extension", ConnectRestExtension.class);

    private final String restName;
    private final Class<?> superClass;

    PluginType(String restName, Class<?> superClass) {
        this.restName = restName;
        this.superClass = superClass;
    }

    /** The lower-case name used in REST answers ("source", "sink", "converter", ...). */
    public String restName() {
        return restName;
    }

    public Class<?> superClass() {
        return superClass;
    }

    public boolean isConnector() {
        return Connector.class.isAssignableFrom(superClass);
    }

    public static PluginType of(Class<?> pluginClass) {
        for (PluginType type : values()) {
            if (type.superClass.isAssignableFrom(pluginClass)) {
                return type;
            }
        }
        throw new IllegalArgumentException(pluginClass + " is not a Connect plugin");
    }
}
