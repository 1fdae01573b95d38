package io.sluice.runtime.herder;

import io.sluice.runtime.config.ConfigInfos.ConfigKeyInfo;
import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.SinkConnectorConfig;
import io.sluice.runtime.config.SourceConnectorConfig;
import io.sluice.runtime.plugins.PluginType;
import io.sluice.runtime.plugins.Plugins;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * GET /connector-plugins/{plugin}/config: a plugin's config definitions, found by class name, simple name or alias;
 * for connectors followed by the framework's (name, class, tasks, converters, transforms, errors, and the sink's or
 * source's own), as Apache lists them.
 */
final class PluginConfigs {
    private final Plugins plugins;

    PluginConfigs(Plugins plugins) {
        this.plugins = plugins;
    }

    List<ConfigKeyInfo> configKeys(String pluginName) {
        Class<?> cls;
        PluginType type;
        try {
            cls = plugins.pluginClass(pluginName, Object.class);
            type = PluginType.of(cls);
        } catch (ConnectException | IllegalArgumentException e) {
            throw new HerderException.NotFound("Unknown plugin " + pluginName + ".");
        }
        if (type == PluginType.CONFIG_PROVIDER || type == PluginType.REST_EXTENSION) {
            throw HerderException.badRequest("Invalid plugin type " + type.restName()
                    + ". Valid types are sink, source, converter, header_converter, transformation, predicate.");
        }
        ConfigDef own;
        try {
            own = Plugins.configDef(Plugins.newInstance(cls));
        } catch (RuntimeException | LinkageError e) {
            throw new ConnectException("Plugin " + pluginName + " failed to describe its config: " + e, e);
        }
        // Apache's order: the plugin's own definitions, then the framework's a connector has, unless the plugin
        // defines a key of the same name itself
        Map<String, ConfigDef.ConfigKey> keys = new LinkedHashMap<>(own == null ? Map.of() : own.configKeys());
        ConnectorConfig.Defaults defaults = ConnectorConfig.Defaults.of(plugins, pluginName);
        ConfigDef framework = type == PluginType.SOURCE ? SourceConnectorConfig.configDef(plugins, defaults)
                : type == PluginType.SINK ? SinkConnectorConfig.configDef(plugins, defaults) : null;
        if (framework != null) {
            framework.configKeys().forEach(keys::putIfAbsent);
        }
        return keys.values().stream().map(ConfigKeyInfo::of).toList();
    }
}
