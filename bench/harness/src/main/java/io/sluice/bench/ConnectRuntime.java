package io.sluice.bench;

import java.nio.file.Files;
import java.util.List;

/** The two runtimes under test and how each is launched; both get the same JVM options. */
public enum ConnectRuntime {
    SLUICE("Sluice", "io.sluice.runtime.cli.ConnectMain"),
    APACHE("Apache", "org.apache.kafka.connect.cli.ConnectStandalone");

    /** Same heap for both workers (Apache's connect-standalone defaults, also bin/connect's). */
    public static final List<String> HEAP_OPTIONS = List.of("-Xms256m", "-Xmx2g");

    /**
     * Apache's launcher's collector settings (kafka-run-class.sh), given to Apache's worker; Sluice's comes from its
     * own launcher, bin/connect, as a user starts it.
     */
    public static final List<String> APACHE_GC_OPTIONS = List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true");

    private final String label;
    private final String mainClass;

    ConnectRuntime(String label, String mainClass) {
        this.label = label;
        this.mainClass = mainClass;
    }

    public String label() {
        return label;
    }

    public String mainClass() {
        return mainClass;
    }

    public String classpath(Layout layout) {
        return switch (this) {
            case SLUICE -> layout.sluiceJar() + ":" + Layout.jarsIn(layout.sluiceLib());
            case APACHE -> Layout.jarsIn(layout.apacheConnectLib());
        };
    }

    /** Why this runtime cannot be launched, or null when it can. */
    public String missing(Layout layout) {
        return switch (this) {
            case SLUICE -> Files.isRegularFile(layout.sluiceJar()) && Files.isDirectory(layout.sluiceLib())
                    ? null : "Sluice is not built (" + layout.sluiceJar() + ")";
            case APACHE -> Files.isDirectory(layout.apacheConnectLib())
                    ? null : "Apache Connect classpath missing (" + layout.apacheConnectLib() + ")";
        };
    }
}
