package io.sluice.runtime.plugins;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.transforms.Cast;
import io.sluice.runtime.converters.ApacheConverterNames;
import io.sluice.runtime.converters.ByteArrayConverter;
import io.sluice.runtime.converters.avro.AvroConverter;

/**
 * The runtime's own plugins (location "classpath"): only the packages below are scanned, in the jar
 * or directory that holds each anchor class, so start-up never walks the whole class path.
 */
final class BuiltinPlugins {

    /** A package to scan and a class whose code source is the jar or directory holding it. */
    record Source(Class<?> anchor, String packageName) {

        /** The jar or class directory the anchor was loaded from, or null when it cannot be told. */
        Path codeSource() {
            CodeSource source = anchor.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return null;
            }
            try {
                return Path.of(source.getLocation().toURI());
            } catch (URISyntaxException | IllegalArgumentException e) {
                return null;
            }
        }
    }

    static final List<Source> SOURCES = List.of(
            new Source(JsonConverter.class, "org.apache.kafka.connect.json."),
            new Source(StringConverter.class, "org.apache.kafka.connect.storage."),
            new Source(Cast.class, "org.apache.kafka.connect.transforms."),
            new Source(FileConfigProvider.class, "org.apache.kafka.common.config.provider."),
            new Source(ByteArrayConverter.class, "io.sluice.runtime.converters."));

    private BuiltinPlugins() {
    }

    /** Apache's (and Confluent's Avro converter's) class names mapped to Sluice's, so existing configs work unchanged. */
    static Map<String, String> apacheAliases() {
        Map<String, String> aliases = new HashMap<>(ApacheConverterNames.aliases());
        aliases.put("io.confluent.connect.avro.AvroConverter", AvroConverter.class.getName());
        return aliases;
    }

    /**
     * Sluice's converter classes mapped to the Apache class names they stand in for: the names they are listed,
     * recommended and reported under, so Sluice's own classes never show.
     */
    static Map<String, String> apacheNames() {
        Map<String, String> names = new HashMap<>();
        ApacheConverterNames.aliases().forEach((apache, ours) -> names.put(ours, apache));
        return names;
    }

    /**
     * The names built-in connectors had before they moved into their module's source/ or sink/ package (one
     * layout for every connector module), mapped to their names now: stored configs and files naming them keep
     * working.
     */
    static Map<String, String> movedConnectors() {
        return Map.of(
                "io.sluice.file.FileSinkConnector", "io.sluice.file.sink.FileSinkConnector",
                "io.sluice.file.FileSourceConnector", "io.sluice.file.source.FileSourceConnector",
                "io.sluice.s3.S3SinkConnector", "io.sluice.s3.sink.S3SinkConnector",
                "io.sluice.s3.S3SourceConnector", "io.sluice.s3.source.S3SourceConnector");
    }

    /** The names the registry resolves to another registered name: Sluice's converters and moved connectors. */
    static Map<String, String> fixedAliases() {
        Map<String, String> aliases = new HashMap<>(apacheNames());
        aliases.putAll(movedConnectors());
        return aliases;
    }
}
