package io.sluice.runtime.herder;

import io.sluice.runtime.config.ConfigInfos.ConfigKeyInfo;
import io.sluice.runtime.plugins.LoaderSwap;
import io.sluice.runtime.plugins.PluginType;
import io.sluice.runtime.plugins.Plugins;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/** GET /connector-plugins/{plugin}/config: a plugin's own config keys, found by class name, simple name or alias. */
final class PluginConfigs {
    private final Plugins plugins;

    PluginConfigs(Plugins plugins) {
        this.plugins = plugins;
    }

    List<ConfigKeyInfo> configKeys(String pluginName) {
        Class<?> cls;
        try {
            cls = plugins.pluginClass(pluginName, Object.class);
            PluginType.of(cls);
        } catch (ConnectException | IllegalArgumentException e) {
            throw new HerderException(404, "Unknown plugin " + pluginName + ".");
        }
        ConfigDef def;
        try (LoaderSwap swap = LoaderSwap.to(cls.getClassLoader())) {
            Object plugin = Plugins.newInstance(cls);
            if (plugin instanceof Connector c) {
                def = c.config();
            } else if (plugin instanceof Converter c) {
                def = c.config();
            } else if (plugin instanceof HeaderConverter c) {
                def = c.config();
            } else if (plugin instanceof Transformation<?> t) {
                def = t.config();
            } else if (plugin instanceof Predicate<?> p) {
                def = p.config();
            } else {
                throw HerderException.badRequest("Invalid plugin type " + PluginType.of(cls).restName()
                        + ". Valid types are sink, source, converter, header_converter, transformation, predicate.");
            }
        } catch (HerderException e) {
            throw e;
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
