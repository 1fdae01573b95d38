package io.sluice.file;

import org.apache.kafka.connect.data.Schema;

/** Creates the line parser a source config asks for; CSV parsers hold per-file state (the header). */
final class LineParsers {

    private LineParsers() {
    }

    static LineParser create(FileSourceConfig config) {
        String spec = config.getString(FileSourceConfig.VALUE_SCHEMA);
        Schema declared = spec.isBlank() ? null : SchemaSpec.parse(spec);
        String keyField = config.getString(FileSourceConfig.KEY_FIELD).trim();
        return switch (config.format()) {
            case TEXT -> LineParser.TEXT;
            case JSON -> new JsonLineParser(declared, config.getBoolean(FileSourceConfig.SCHEMA_INFERENCE), keyField);
            case CSV -> new CsvLineParser(config.csvSeparator(), config.csvQuote(),
                    config.getBoolean(FileSourceConfig.CSV_HEADER), declared, keyField);
        };
    }
}
