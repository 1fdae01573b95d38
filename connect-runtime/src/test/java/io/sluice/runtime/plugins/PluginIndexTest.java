package io.sluice.runtime.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin index: a start with unchanged plugins registers them without reading their jars, and any change to a jar
 * (replaced, added, removed, or a damaged index) is seen as if there were no index.
 */
class PluginIndexTest {

    private static final String ACME = "com.acme.AcmeSourceConnector";
    private static final String OTHER = "com.other.OtherSourceConnector";

    @TempDir
    Path dir;

    private Path plugins() {
        return dir.resolve("plugins");
    }

    private Path index() {
        return dir.resolve("data").resolve("plugin-index");
    }

    private Path writeAcme(Path jar, String version) throws Exception {
        return new TestPluginJars().source(ACME, TestPluginJars.sourceConnector(ACME, version))
                .manifest(SourceConnector.class, ACME).writeJar(jar);
    }

    /** Starts a registry on the plugin path with the index, waits for its scan, and returns it. */
    private Plugins started(Path indexDir) {
        Plugins registry = new Plugins(List.of(plugins()), "hybrid_warn", indexDir);
        registry.start();
        return registry;
    }

    private static String versionListed(Plugins registry, String className) {
        return registry.plugins(PluginType.SOURCE).stream().filter(d -> d.className().equals(className))
                .map(PluginDesc::version).findFirst().orElse(null);
    }

    /** Overwrites a file with bytes no zip reader accepts, keeping its size and modification time (not its ctime). */
    private static void garbleKeepingSizeAndTime(Path file) throws Exception {
        FileTime time = Files.getLastModifiedTime(file);
        byte[] garbage = new byte[(int) Files.size(file)];
        Arrays.fill(garbage, (byte) 'x');
        Files.write(file, garbage);
        Files.setLastModifiedTime(file, time);
    }

    @Test
    void aStartWithAWarmIndexListsThePluginsWithoutOpeningTheirJars() throws Exception {
        Path jar = writeAcme(plugins().resolve("acme").resolve("acme.jar"), "1.0");
        try (Plugins first = started(index())) {
            assertEquals("1.0", versionListed(first, ACME));
        }
        Path entry = jarEntry(jar);
        FileTime longAgo = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(entry, longAgo);

        try (Plugins warm = started(index())) {
            assertEquals("1.0", versionListed(warm, ACME), "listed, with its version, from the index");
            assertEquals(ACME, warm.listedName("AcmeSource", Connector.class), "aliases resolve without the class");
        }
        assertEquals(longAgo, Files.getLastModifiedTime(entry), "the jar's entry was read, not written again");
    }

    @Test
    void aJarCopiedOverAnotherKeepingItsSizeAndTimeIsReadAgain() throws Exception {
        Path jar = writeAcme(plugins().resolve("acme").resolve("acme.jar"), "1.0");
        try (Plugins first = started(index())) {
            assertEquals("1.0", versionListed(first, ACME));
        }
        // cp -p, rsync or tar over the old jar: same size, same modification time, other bytes (here not a zip at
        // all); only the status change time, which no tool can set, tells the index
        garbleKeepingSizeAndTime(jar);

        try (Plugins restarted = started(index())) {
            assertNull(versionListed(restarted, ACME), "the jar was read again: it holds no plugin any more");
        }
    }

    @Test
    void aJarReplacedWithANewVersionIsSeenAfterRestart() throws Exception {
        Path jar = plugins().resolve("acme").resolve("acme.jar");
        writeAcme(jar, "1.0");
        try (Plugins first = started(index())) {
            assertEquals("1.0", first.newPlugin("AcmeSource", Connector.class).version());
        }
        // same length of version string: the new jar may well have the old one's size
        Path rebuilt = writeAcme(dir.resolve("build").resolve("acme.jar"), "2.0");
        Files.move(rebuilt, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        try (Plugins restarted = started(index())) {
            assertEquals("2.0", versionListed(restarted, ACME));
            assertEquals("2.0", restarted.newPlugin("AcmeSource", Connector.class).version());
        }
    }

    @Test
    void aChangedJarIsReadAgainWhileItsUnchangedNeighboursComeFromTheIndex() throws Exception {
        Path location = plugins().resolve("acme");
        Path jar = writeAcme(location.resolve("acme.jar"), "1.0");
        Path neighbour = new TestPluginJars().source(OTHER, TestPluginJars.sourceConnector(OTHER, "7.0"))
                .manifest(SourceConnector.class, OTHER).writeJar(location.resolve("other.jar"));
        try (Plugins first = started(index())) {
            assertEquals("7.0", versionListed(first, OTHER));
        }
        Path neighbourEntry = jarEntry(neighbour);
        Path changedEntry = jarEntry(jar);
        FileTime longAgo = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(neighbourEntry, longAgo);
        Files.setLastModifiedTime(changedEntry, longAgo);
        Files.move(writeAcme(dir.resolve("build").resolve("acme.jar"), "2.0"), jar,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        try (Plugins restarted = started(index())) {
            assertEquals("2.0", restarted.newPlugin("AcmeSource", Connector.class).version(), "the changed jar, read");
            assertEquals("7.0", restarted.newPlugin("OtherSource", Connector.class).version());
        }
        assertTrue(Files.getLastModifiedTime(changedEntry).compareTo(longAgo) > 0, "the changed jar was indexed again");
        assertEquals(longAgo, Files.getLastModifiedTime(neighbourEntry), "its unchanged neighbour came from the index");
    }

    /** The index entry of one jar, found by the path it records. */
    private Path jarEntry(Path jar) throws Exception {
        String pathLine = "path " + jar.toAbsolutePath().normalize();
        try (Stream<Path> files = Files.list(index().resolve("jars"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.readAllLines(file, StandardCharsets.UTF_8).get(1).equals(pathLine)) {
                    return file;
                }
            }
        }
        throw new AssertionError("no index entry for " + jar);
    }

    @Test
    void aDamagedIndexIsIgnoredAndWrittenAgain() throws Exception {
        writeAcme(plugins().resolve("acme").resolve("acme.jar"), "1.0");
        try (Plugins first = started(index())) {
            assertEquals("1.0", versionListed(first, ACME));
        }
        List<Path> entries = indexEntries();
        assertFalse(entries.isEmpty(), "the first start wrote the index");
        for (Path entry : entries) {
            String text = Files.readString(entry, StandardCharsets.UTF_8);
            // cut in the middle, as a disk that filled up would leave it, and with a bad line in what remains
            Files.writeString(entry, text.substring(0, text.length() / 2).replace("\tSOURCE\t", "\tNO_SUCH_KIND\t"));
        }

        try (Plugins restarted = started(index())) {
            assertEquals("1.0", versionListed(restarted, ACME));
            assertEquals("1.0", restarted.newPlugin("AcmeSource", Connector.class).version());
        }
        for (Path entry : indexEntries()) {
            assertTrue(Files.readString(entry, StandardCharsets.UTF_8).endsWith("end\n"), entry + " was written again");
        }
    }

    @Test
    void anIndexDirectoryThatCannotBeWrittenOnlyCostsTheScan() throws Exception {
        writeAcme(plugins().resolve("acme").resolve("acme.jar"), "1.0");
        Path notADirectory = Files.writeString(dir.resolve("index-is-a-file"), "occupied");
        for (int start = 0; start < 2; start++) {
            try (Plugins registry = started(notADirectory)) {
                assertEquals("1.0", registry.newPlugin("AcmeSource", Connector.class).version());
            }
        }
        assertEquals("occupied", Files.readString(notADirectory));
    }

    @Test
    void theEntriesOfARemovedPluginAreDroppedFromTheIndex() throws Exception {
        Path jar = writeAcme(plugins().resolve("acme.jar"), "1.0");
        new TestPluginJars().source(OTHER, TestPluginJars.sourceConnector(OTHER, "7.0"))
                .manifest(SourceConnector.class, OTHER).writeJar(plugins().resolve("other.jar"));
        try (Plugins first = started(index())) {
            assertEquals("1.0", versionListed(first, ACME));
        }
        int before = indexEntries().size();
        Files.delete(jar);

        try (Plugins restarted = started(index())) {
            assertEquals(null, versionListed(restarted, ACME));
            assertEquals("7.0", versionListed(restarted, OTHER));
        }
        // one location and its one jar fewer
        assertEquals(before - 2, indexEntries().size());
    }

    private List<Path> indexEntries() throws Exception {
        try (Stream<Path> files = Files.walk(index())) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
