package io.sluice.runtime.config;

import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.plugins.WrongPluginTypeException;
import java.lang.reflect.Modifier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Validates a key naming a plugin class (a converter, transformation or predicate) through
 * {@link Plugins}, so aliases and plugin-path classes are accepted where Kafka's CLASS type would
 * only see the class path. Keys carrying this validator are reported with type CLASS, as Apache does.
 */
public final class PluginClassValidator implements ConfigDef.Validator {

    private final Plugins plugins;
    private final Class<?> base;

    public PluginClassValidator(Plugins plugins, Class<?> base) {
        this.plugins = plugins;
        this.base = base;
    }

    public Class<?> base() {
        return base;
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null || value.toString().isBlank()) {
            return;
        }
        resolve(name, value.toString().trim());
    }

    /** The concrete plugin class named by the value; ConfigException in Apache's wording when there is none. */
    public Class<?> resolve(String name, String value) {
        Class<?> cls;
        if (plugins == null) {
            return null;
        }
        try {
            cls = plugins.pluginClass(value, base);
        } catch (WrongPluginTypeException e) {
            throw new ConfigException(name, value, e.getMessage());
        } catch (ConnectException e) {
            throw new ConfigException(name, value, "Class " + value + " could not be found.");
        }
        return requireConcrete(name, value, cls, base);
    }

    static Class<?> requireConcrete(String name, String value, Class<?> cls, Class<?> base) {
        if (!base.isAssignableFrom(cls)) {
            throw new ConfigException(name, value, "Not a " + base.getSimpleName());
        }
        if (Modifier.isAbstract(cls.getModifiers()) || cls.isInterface()) {
            String children = Stream.of(cls.getClasses())
                    .filter(cls::isAssignableFrom)
                    .filter(c -> !Modifier.isAbstract(c.getModifiers()) && Modifier.isPublic(c.getModifiers()))
                    .map(Class::getName)
                    .collect(Collectors.joining(", "));
            String message = base.getSimpleName() + " is abstract and cannot be created."
                    + (children.isEmpty() ? "" : " Did you mean " + children + "?");
            throw new ConfigException(name, value, message);
        }
        return cls;
    }

    @Override
    public String toString() {
        return "A concrete subclass of " + base.getName() + ", or an alias of one";
    }
}
