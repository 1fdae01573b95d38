package io.sluice.runtime.herder;

import io.sluice.runtime.config.ConfigInfos.ConfigKeyInfo;
import io.sluice.runtime.plugins.PluginType;
import io.sluice.runtime.plugins.Plugins;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.errors.ConnectException;

/** GET /connector-plugins/{plugin}/config: a plugin's own config keys, found by class name, simple name or alias. */
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
            throw new HerderException(404, "Unknown plugin " + pluginName + ".");
        }
        if (type == PluginType.CONFIG_PROVIDER || type == PluginType.REST_EXTENSION) {
            throw HerderException.badRequest("Invalid plugin type " + type.restName()
                    + ". Valid types are sink, source, converter, header_converter, transformation, predicate.");
        }
        ConfigDef def;
        try {
            def = Plugins.configDef(Plugins.newInstance(cls));
        } catch (RuntimeException | LinkageError e) {
            throw new ConnectException("Plugin " + pluginName + " failed to describe its config: " + e, e);
        }
        List<ConfigKeyInfo> keys = new ArrayList<>();
        if (def != null) {
            for (ConfigDef.ConfigKey key : def.configKeys().values()) {
                keys.add(render(key));
            }
        }
        return keys;
    }

    private static ConfigKeyInfo render(ConfigDef.ConfigKey key) {
        boolean required = ConfigDef.NO_DEFAULT_VALUE.equals(key.defaultValue);
        String defaultValue = null;
        if (!required && key.defaultValue != null) {
            defaultValue = key.type == ConfigDef.Type.PASSWORD ? "[hidden]" : ConfigDef.convertToString(key.defaultValue, key.type);
        }
        return new ConfigKeyInfo(key.name, key.type.name(), required, defaultValue, key.importance.name(),
                key.documentation, key.group, key.orderInGroup, key.width.name(), key.displayName,
                key.dependents == null ? List.of() : key.dependents);
    }
}
