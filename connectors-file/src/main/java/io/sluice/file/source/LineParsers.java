package io.sluice.file.source;

import org.apache.kafka.connect.data.Schema;

/** Creates the line parser a source config asks for; CSV parsers hold per-file state (the header). */
final class LineParsers {

    private LineParsers() {
    }

    static LineParser create(FileSourceConfig config) {
        String spec = config.getString(FileSourceConfig.VALUE_SCHEMA);
        Schema declared = spec.isBlank() ? null : SchemaSpec.parse(spec);
        String keyField = config.getString(FileSourceConfig.KEY_FIELD).trim();
        boolean replace = config.encodingErrors() == FileSourceConfig.EncodingErrors.REPLACE;
        return switch (config.format()) {
            case TEXT -> LineParser.text(config.encodingErrors());
            case JSON -> new JsonLineParser(declared, config.getBoolean(FileSourceConfig.SCHEMA_INFERENCE), keyField,
                    replace);
            case CSV -> new CsvLineParser(config.csvSeparator(), config.csvQuote(),
                    config.getBoolean(FileSourceConfig.CSV_HEADER), declared, keyField, replace);
        };
    }
}
