package io.sluice.runtime.plugins;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Connector;

/** Builds small plugin jars in tests: compiles Java sources with javac and packs them, manifests optional. */
final class TestPluginJars {

    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, String> resources = new LinkedHashMap<>();

    /** Adds a class from its full name and source text. */
    TestPluginJars source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /** Adds a META-INF/services manifest listing the classes for a plugin base type. */
    TestPluginJars manifest(Class<?> base, String... classNames) {
        return resource("META-INF/services/" + base.getName(), String.join("\n", classNames) + "\n");
    }

    TestPluginJars resource(String path, String content) {
        resources.put(path, content);
        return this;
    }

    /** Compiles everything and writes the jar; returns its path. */
    Path writeJar(Path jar) throws IOException {
        Path work = Files.createTempDirectory("sluice-test-plugin-src");
        Path classes = work.resolve("classes");
        Files.createDirectories(classes);
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", compileClassPath(),
                "-proc:none", "-nowarn"));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = work.resolve("src").resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (!sources.isEmpty() && javac.run(null, null, System.err, args.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("test plugin sources did not compile");
        }
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                zip.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(file));
                zip.closeEntry();
            }
            for (Map.Entry<String, String> resource : resources.entrySet()) {
                zip.putNextEntry(new JarEntry(resource.getKey()));
                zip.write(resource.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return jar;
    }

    /** A source connector class with the given version, its task nested inside. */
    static String sourceConnector(String className, String version) {
        int dot = className.lastIndexOf('.');
        return "package " + className.substring(0, dot) + ";\n"
                + "import java.util.*;\n"
                + "import org.apache.kafka.common.config.ConfigDef;\n"
                + "import org.apache.kafka.connect.connector.Task;\n"
                + "import org.apache.kafka.connect.source.*;\n"
                + "public class " + className.substring(dot + 1) + " extends SourceConnector {\n"
                + "  public static class NoopTask extends SourceTask {\n"
                + "    public String version() { return \"" + version + "\"; }\n"
                + "    public void start(Map<String, String> p) { }\n"
                + "    public List<SourceRecord> poll() { return null; }\n"
                + "    public void stop() { }\n"
                + "  }\n"
                + "  public String version() { return \"" + version + "\"; }\n"
                + "  public void start(Map<String, String> p) { }\n"
                + "  public Class<? extends Task> taskClass() { return NoopTask.class; }\n"
                + "  public List<Map<String, String>> taskConfigs(int n) { return List.of(); }\n"
                + "  public void stop() { }\n"
                + "  public ConfigDef config() { return new ConfigDef(); }\n"
                + "}\n";
    }

    /** A converter class (no version) that also records which context loader created it. */
    static String converter(String className) {
        int dot = className.lastIndexOf('.');
        return "package " + className.substring(0, dot) + ";\n"
                + "import java.util.Map;\n"
                + "import org.apache.kafka.connect.data.*;\n"
                + "import org.apache.kafka.connect.storage.Converter;\n"
                + "public class " + className.substring(dot + 1) + " implements Converter {\n"
                + "  public final ClassLoader createdWith = Thread.currentThread().getContextClassLoader();\n"
                + "  public void configure(Map<String, ?> c, boolean k) { }\n"
                + "  public byte[] fromConnectData(String t, Schema s, Object v) { return null; }\n"
                + "  public SchemaAndValue toConnectData(String t, byte[] v) { return SchemaAndValue.NULL; }\n"
                + "}\n";
    }

    /** The jar (or directory) a runtime class was loaded from. */
    static Path codeSourceOf(Class<?> cls) {
        try {
            return Path.of(cls.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String compileClassPath() {
        return Stream.of(Connector.class, ConfigDef.class).map(TestPluginJars::codeSourceOf).map(Path::toString)
                .distinct().collect(Collectors.joining(java.io.File.pathSeparator));
    }
}
