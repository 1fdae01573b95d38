package io.sluice.s3.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Rows of a CSV object (RFC 4180: quoted fields may hold separators, quotes as "" and line breaks) as Structs
 * of optional string fields named by the header row, or column1, column2, ... without one. A row with fewer
 * fields leaves the rest null; a row with more is an error naming the object and row.
 */
final class CsvObjectReader implements ObjectReader {

    private final BufferedReader in;
    private final char separator;
    private Schema schema;
    private List<String> row;
    private long rowNumber;
    private boolean eof;

    CsvObjectReader(InputStream raw, CsvSettings settings) throws IOException {
        this.in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8), 64 * 1024);
        this.separator = settings.separator();
        if (settings.header()) {
            List<String> header = readRow();
            if (header != null) {
                schema = schemaOf(header);
            }
        }
    }

    private static Schema schemaOf(List<String> names) {
        SchemaBuilder struct = SchemaBuilder.struct();
        for (String name : names) {
            struct.field(name.trim(), Schema.OPTIONAL_STRING_SCHEMA);
        }
        return struct.build();
    }

    @Override
    public boolean advance() throws IOException {
        row = readRow();
        return row != null;
    }

    @Override
    public SourceRecord record(RecordParser.Target t) {
        if (row.size() == 1 && row.get(0).isEmpty()) {
            return null; // a blank line
        }
        if (schema == null) {
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= row.size(); i++) {
                names.add("column" + i);
            }
            schema = schemaOf(names);
        }
        if (row.size() > schema.fields().size()) {
            throw new DataException("CSV row " + rowNumber + " of " + t.sourceOffset().get("object") + " has "
                    + row.size() + " fields, more than the " + schema.fields().size() + " columns of its first row");
        }
        Struct value = new Struct(schema);
        for (int i = 0; i < row.size(); i++) {
            value.put(schema.fields().get(i), row.get(i));
        }
        return new SourceRecord(t.sourcePartition(), t.sourceOffset(), t.topic(), t.partition(),
                null, null, schema, value);
    }

    /** The next row's fields, or null at the end. */
    private List<String> readRow() throws IOException {
        if (eof) {
            return null;
        }
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        while (true) {
            int c = in.read();
            if (c < 0) {
                eof = true;
                if (!any) {
                    return null;
                }
                fields.add(field.toString());
                break;
            }
            any = true;
            if (quoted) {
                if (c == '"') {
                    in.mark(1);
                    if (in.read() == '"') {
                        field.append('"');
                    } else {
                        in.reset();
                        quoted = false;
                    }
                } else {
                    field.append((char) c);
                }
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
            } else if (c == separator) {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                fields.add(trimCr(field));
                break;
            } else {
                field.append((char) c);
            }
        }
        rowNumber++;
        return fields;
    }

    private static String trimCr(StringBuilder field) {
        int n = field.length();
        return n > 0 && field.charAt(n - 1) == '\r' ? field.substring(0, n - 1) : field.toString();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
