package io.sluice.s3.testing;

import io.sluice.runtime.testing.TestWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The S3 connectors as the build installed them under plugins/, copied into a test's own plugin path. */
public final class S3Plugin {

    private S3Plugin() {
    }

    /** A plugin.path directory holding only this module's plugin directory. */
    public static Path install(Path dir) {
        String installed = System.getProperty("sluice.plugin.dir");
        if (installed == null) {
            throw new IllegalStateException("sluice.plugin.dir is not set: run ITs through failsafe (mvn verify)");
        }
        Path target = dir.resolve("plugins").resolve("connectors-s3");
        try (Stream<Path> files = Files.list(Path.of(installed))) {
            Files.createDirectories(target);
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target.getParent();
    }

    /** A test worker on the shared broker with this plugin path and string converters. */
    public static TestWorker.Builder worker(Path pluginPath) {
        return TestWorker.standalone().pluginPath(pluginPath).stringConverters();
    }
}
