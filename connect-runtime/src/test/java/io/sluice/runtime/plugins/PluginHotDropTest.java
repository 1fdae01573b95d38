package io.sluice.runtime.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginHotDropTest {

    private static final String ACME = "com.acme.AcmeSourceConnector";
    private static final Duration FAST_POLL = Duration.ofMillis(100);
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private Path buildAcme(String version) throws Exception {
        return new TestPluginJars().source(ACME, TestPluginJars.sourceConnector(ACME, version))
                .writeJar(dir.resolve("build-" + version + "/acme.jar"));
    }

    private Plugins startedOn(Path plugins) throws IOException {
        Files.createDirectories(plugins);
        Plugins registry = new Plugins(List.of(plugins), "only_scan", null, FAST_POLL);
        registry.start();
        return registry;
    }

    private static boolean resolves(Plugins registry, String name) {
        try {
            registry.pluginClass(name, Connector.class);
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("Timed out after " + DEADLINE + " waiting until " + what);
            }
            // Poll the condition a few times per watcher interval rather than spinning on a shared CPU.
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    @Test
    void aPluginCopiedIntoARunningRegistryBecomesListedAndCreatable() throws Exception {
        Path jar = buildAcme("1.0");
        Path plugins = dir.resolve("plugins");
        try (Plugins registry = startedOn(plugins)) {
            assertFalse(resolves(registry, "AcmeSource"));
            Files.copy(jar, plugins.resolve("acme.jar"));
            await("the dropped connector is listed", () -> registry.plugins(PluginType.SOURCE).stream()
                    .anyMatch(d -> d.className().equals(ACME)));
            assertEquals("1.0", registry.newPlugin("AcmeSource", Connector.class).version());
        }
    }

    @Test
    void aHalfCopiedJarIsPickedUpOnceTheCopyCompletes() throws Exception {
        byte[] bytes = Files.readAllBytes(buildAcme("1.0"));
        Path plugins = dir.resolve("plugins");
        try (Plugins registry = startedOn(plugins)) {
            Path target = plugins.resolve("acme.jar");
            Files.write(target, Arrays.copyOf(bytes, bytes.length / 2));
            Files.write(target, bytes);
            await("the completed jar is usable", () -> resolves(registry, ACME));
        }
    }

    @Test
    void aRemovedPluginIsForgotten() throws Exception {
        Path plugins = dir.resolve("plugins");
        Files.createDirectories(plugins.resolve("acme"));
        Files.copy(buildAcme("1.0"), plugins.resolve("acme/acme.jar"));
        try (Plugins registry = startedOn(plugins)) {
            assertTrue(resolves(registry, ACME));
            Files.delete(plugins.resolve("acme/acme.jar"));
            Files.delete(plugins.resolve("acme"));
            await("the removed connector is no longer resolvable", () -> !resolves(registry, ACME));
            assertTrue(registry.plugins(PluginType.SOURCE).stream().noneMatch(d -> d.className().equals(ACME)));
        }
    }

    @Test
    void aReplacedPluginGetsANewLoaderWhileRunningInstancesKeepTheOldOne() throws Exception {
        Path plugins = dir.resolve("plugins");
        Files.createDirectories(plugins);
        Files.copy(buildAcme("1.0"), plugins.resolve("acme.jar"));
        try (Plugins registry = startedOn(plugins)) {
            Connector running = registry.newPlugin(ACME, Connector.class);
            Path replacement = buildAcme("2.0");
            Files.copy(replacement, plugins.resolve("acme.jar.tmp"));
            Files.move(plugins.resolve("acme.jar.tmp"), plugins.resolve("acme.jar"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            await("version 2.0 is served", () -> registry.plugins(PluginType.SOURCE).stream()
                    .anyMatch(d -> d.className().equals(ACME) && d.version().equals("2.0")));
            Connector fresh = registry.newPlugin(ACME, Connector.class);
            assertEquals("2.0", fresh.version());
            assertNotSame(running.getClass().getClassLoader(), fresh.getClass().getClassLoader());
            // The old instance still works, including classes its loader had not loaded yet.
            assertEquals("1.0", running.version());
            running.taskClass();
        }
    }

    @Test
    void closeStopsTheWatcherThread() throws Exception {
        Plugins registry = startedOn(dir.resolve("plugins"));
        assertTrue(watcherAlive());
        registry.close();
        registry.close();
        assertFalse(watcherAlive());
    }

    @Test
    void theWatcherNeverThrowsOnAHalfWrittenJarAndRetriesWhenItChanges() throws Exception {
        byte[] bytes = Files.readAllBytes(buildAcme("1.0"));
        Path plugins = dir.resolve("plugins");
        Files.createDirectories(plugins);
        List<Path> loaded = new ArrayList<>();
        List<Path> failed = new ArrayList<>();
        PluginScanner scanner = new PluginScanner(DiscoveryMode.ONLY_SCAN, getClass().getClassLoader(), PluginIndex.NONE);
        PluginPathWatcher watcher = new PluginPathWatcher(List.of(plugins), FAST_POLL, new PluginPathWatcher.Listener() {
            @Override
            public void load(Path location) throws Exception {
                try {
                    scanner.scan(PluginLocations.classPath(location), "", getClass().getClassLoader());
                    loaded.add(location);
                } catch (IOException e) {
                    failed.add(location);
                    throw e;
                }
            }

            @Override
            public void unload(Path location) {
            }
        }, Map.of());
        Path target = plugins.resolve("acme.jar");
        Files.write(target, Arrays.copyOf(bytes, bytes.length / 2));
        watcher.poll();
        assertTrue(failed.isEmpty() && loaded.isEmpty(), "a location is loaded only once it stopped changing");
        watcher.poll();
        assertEquals(List.of(target), failed);
        watcher.poll();
        assertEquals(1, failed.size(), "an unchanged broken jar is not retried");
        Files.write(target, bytes);
        Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        watcher.poll();
        watcher.poll();
        assertEquals(List.of(target), loaded);
    }

    private static boolean watcherAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("sluice-plugin-path-watcher") && t.isAlive());
    }

    @Test
    void unknownDiscoveryModeIsRejected() {
        assertThrows(org.apache.kafka.common.config.ConfigException.class, () -> new Plugins(List.of(), "scan_everything"));
    }
}
