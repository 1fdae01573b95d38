package io.sluice.s3.format;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;

/** An object format of the sink: the name suffix and a writer of records into an object's bytes. */
public interface RecordFormat {

    /** Accepted values of format.class: short names and Confluent's class names. */
    List<String> NAMES = List.of("json", "bytes", "envelope", "avro", "parquet",
            "io.confluent.connect.s3.format.json.JsonFormat",
            "io.confluent.connect.s3.format.bytearray.ByteArrayFormat",
            "io.confluent.connect.s3.format.avro.AvroFormat",
            "io.confluent.connect.s3.format.parquet.ParquetFormat");

    /** Accepted values of avro.codec. */
    List<String> AVRO_CODECS = AvroFormat.CODECS;

    /** Accepted values of parquet.codec. */
    List<String> PARQUET_CODECS = ParquetCodecs.NAMES;

    /** The object name suffix without compression, e.g. ".json". */
    String extension();

    /** Whether s3.compression.type applies (formats with their own codecs say no). */
    default boolean compressible() {
        return true;
    }

    /** A writer appending records to out; closing the writer finishes the format but not out. */
    RecordWriter open(OutputStream out) throws IOException;

    /** The settings the formats take from a sink's config; each format reads its own. */
    record Options(String byteArraySeparator, String avroCodec, boolean avroEnvelope, String parquetCodec,
                   int parquetRowGroupBytes) {
    }

    /** The format a name or Confluent class name names, with its settings from options. */
    static RecordFormat create(String name, Options options) {
        return switch (canonical(name)) {
            case "json" -> new JsonLinesFormat();
            case "bytes" -> new ByteArrayFormat(options.byteArraySeparator());
            case "envelope" -> new EnvelopeFormat();
            case "avro" -> new AvroFormat(options.avroCodec().toLowerCase(Locale.ROOT), options.avroEnvelope());
            case "parquet" -> new ParquetFormat(options.parquetCodec().toLowerCase(Locale.ROOT),
                    options.parquetRowGroupBytes());
            default -> throw new IllegalArgumentException("Unknown format " + name.trim());
        };
    }

    /** The short name of a format name or Confluent class name. */
    static String canonical(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".jsonformat")) {
            return "json";
        }
        if (lower.endsWith(".bytearrayformat")) {
            return "bytes";
        }
        if (lower.endsWith(".avroformat")) {
            return "avro";
        }
        if (lower.endsWith(".parquetformat")) {
            return "parquet";
        }
        return lower;
    }
}
