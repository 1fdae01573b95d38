package io.sluice.jdbc;

/** The version the JDBC connectors report. */
public final class Versions {
    public static final String VERSION = orDefault(Versions.class.getPackage().getImplementationVersion());

    private Versions() {
    }

    private static String orDefault(String v) {
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
