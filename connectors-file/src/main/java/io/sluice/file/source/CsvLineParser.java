package io.sluice.file.source;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * Reads one CSV row per line into a struct: typed columns from a declared schema (matched to the header
 * by name, or by position without a header), otherwise optional strings named by the header. Quoted
 * fields may contain the separator and doubled quotes; a quoted field cannot span lines.
 */
final class CsvLineParser implements LineParser {

    private final char separator;
    private final char quote;
    private final boolean headerRow;
    private final Schema declared;
    private final String keyField;
    private final boolean replaceInvalid;
    private final List<String> cells = new ArrayList<>();
    private final StringBuilder cell = new StringBuilder();
    private Schema schema;
    /** For each schema field, the column it comes from (-1: absent, null). */
    private int[] columnOfField;
    private boolean headerSeen;

    CsvLineParser(char separator, char quote, boolean headerRow, Schema declared, String keyField,
                  boolean replaceInvalid) {
        this.replaceInvalid = replaceInvalid;
        this.separator = separator;
        this.quote = quote;
        this.headerRow = headerRow;
        this.declared = declared;
        this.keyField = keyField == null || keyField.isEmpty() ? null : keyField;
        if (!headerRow && declared != null) {
            useColumns(declared.fields().stream().map(Field::name).toList());
        }
    }

    /** Takes the header row of a file whose reading resumes past it. */
    void header(String line) {
        split(line);
        useColumns(List.copyOf(cells));
        headerSeen = true;
    }

    @Override
    public void fileStartsOver() {
        headerSeen = false; // the first row read again is the header (of the new content, which may name other columns)
    }

    boolean needsHeader() {
        return headerRow && !headerSeen;
    }

    @Override
    public boolean parse(byte[] buf, int off, int len, ParsedLine out) {
        String line = Utf8Text.decode(buf, off, len, replaceInvalid, out);
        if (needsHeader()) {
            header(line);
            return false;
        }
        split(line);
        if (schema == null) {
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= cells.size(); i++) {
                names.add("column" + i);
            }
            useColumns(names);
        }
        Struct value = new Struct(schema);
        List<Field> fields = schema.fields();
        for (int i = 0; i < fields.size(); i++) {
            int column = columnOfField[i];
            String text = column >= 0 && column < cells.size() ? cells.get(column) : null;
            value.put(fields.get(i), SchemaSpec.convert(fields.get(i), text));
        }
        if (keyField == null) {
            out.set(null, null, schema, value);
        } else {
            Field f = schema.field(keyField);
            if (f == null) {
                throw new IllegalArgumentException("no key field '" + keyField + "'");
            }
            out.set(f.schema(), value.get(f), schema, value);
        }
        return true;
    }

    private void useColumns(List<String> columns) {
        if (declared != null) {
            schema = declared;
        } else {
            SchemaBuilder builder = SchemaBuilder.struct();
            for (String name : columns) {
                builder.field(name, Schema.OPTIONAL_STRING_SCHEMA);
            }
            schema = builder.build();
        }
        List<Field> fields = schema.fields();
        columnOfField = new int[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            columnOfField[i] = columns.indexOf(fields.get(i).name());
        }
    }

    /** Splits a line into cells; throws IllegalArgumentException for an unterminated quote. */
    void split(String line) {
        cells.clear();
        cell.setLength(0);
        int n = line.length();
        int i = 0;
        boolean quoted = false;
        boolean wasQuoted = false;
        while (i < n) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == quote) {
                    if (i + 1 < n && line.charAt(i + 1) == quote) {
                        cell.append(quote);
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == separator) {
                cells.add(cell.toString());
                cell.setLength(0);
                wasQuoted = false;
            } else if (c == quote && cell.length() == 0 && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else {
                cell.append(c);
            }
            i++;
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted field");
        }
        cells.add(cell.toString());
    }

    List<String> cells() {
        return cells;
    }
}
