package io.sluice.file.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.TestWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin as the build installs it is what plugin.discovery=service_load needs: ServiceLoader manifests for both
 * connectors (a worker with hybrid_fail refuses any plugin without them), and the project version from its jar.
 */
class FilePluginInstallIT {
    @TempDir
    Path dir;

    @Test
    void theInstalledPluginHasServiceLoaderManifestsAndReportsItsJarsVersion() throws IOException {
        Path pluginPath = FileConnectorsITSupport.pluginPath(dir);
        String version = jarVersion(pluginPath);
        assertNotNull(version, "the plugin jar's manifest has an Implementation-Version");
        try (TestWorker worker = FileConnectorsITSupport.inJvmWorker(pluginPath).with("plugin.discovery", "hybrid_fail")
                .start()) {
            JsonNode plugins = worker.rest().get("/connector-plugins").body();
            int found = 0;
            for (JsonNode plugin : plugins) {
                if (plugin.path("class").asText().startsWith("io.sluice.file.")) {
                    assertEquals(version, plugin.path("version").asText(), plugin.toString());
                    found++;
                }
            }
            assertEquals(2, found, plugins.toString());
        }
    }

    private static String jarVersion(Path pluginPath) throws IOException {
        try (Stream<Path> files = Files.walk(pluginPath)) {
            Path jar = files.filter(p -> p.getFileName().toString().startsWith("connectors-file")
                    && p.toString().endsWith(".jar")).findFirst().orElseThrow();
            try (JarFile file = new JarFile(jar.toFile())) {
                return file.getManifest().getMainAttributes().getValue("Implementation-Version");
            }
        }
    }
}
