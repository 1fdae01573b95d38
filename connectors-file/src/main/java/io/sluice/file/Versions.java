package io.sluice.file;

/** The version the file connectors report. */
public final class Versions {
    /** The project version, from the plugin jar's manifest, as every built-in plugin reports it. */
    public static final String VERSION = java.util.Objects.requireNonNullElse(
            Versions.class.getPackage().getImplementationVersion(), "undefined");

    private Versions() {
    }
}
