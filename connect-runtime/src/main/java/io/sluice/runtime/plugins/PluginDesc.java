package io.sluice.runtime.plugins;

/**
 * One discovered plugin class: its name (Apache's for the runtime's stand-ins of Apache classes), kind, version and where it was found
 * ("classpath" for the runtime's own).
 */
public record PluginDesc(String className, PluginType type, String version, String location) {

    /** The simple class name, which is also an alias. */
    public String simpleName() {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? className : className.substring(dot + 1);
    }
}
