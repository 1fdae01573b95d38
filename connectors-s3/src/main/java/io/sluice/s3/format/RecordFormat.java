package io.sluice.s3.format;

import io.sluice.s3.S3SinkConfig;
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

    /** The format config names. */
    static RecordFormat create(S3SinkConfig config) {
        String name = config.getString(S3SinkConfig.FORMAT).trim();
        return switch (canonical(name)) {
            case "json" -> new JsonLinesFormat();
            case "bytes" -> new ByteArrayFormat(config.byteArraySeparator());
            case "envelope" -> new EnvelopeFormat();
            case "avro" -> new AvroFormat(config.getString(S3SinkConfig.AVRO_CODEC).toLowerCase(Locale.ROOT),
                    config.getBoolean(S3SinkConfig.AVRO_ENVELOPE));
            case "parquet" -> new ParquetFormat(config.getString(S3SinkConfig.PARQUET_CODEC).toLowerCase(Locale.ROOT),
                    config.getInt(S3SinkConfig.PARQUET_ROW_GROUP_BYTES));
            default -> throw new IllegalArgumentException("Unknown format " + name);
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
