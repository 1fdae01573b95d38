package io.sluice.file.sink;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.sluice.file.SingleCharValidator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/** Writes a record's value as one line of a format: raw text, JSON or CSV. */
abstract class RecordEncoder {

    abstract void encode(SinkRecord record, FileOutput out) throws IOException;

    /** The file name extension of the format. */
    abstract String extension();

    /** Writes what starts every file (a CSV header row), taken from the file's first record; nothing by default. */
    void header(SinkRecord first, FileOutput out) throws IOException {
    }

    static RecordEncoder of(FileSinkConfig config) {
        return switch (config.format()) {
            case RAW -> new Raw();
            case JSON -> new Json();
            case CSV -> new Csv(SingleCharValidator.charOf(config.getString(FileSinkConfig.CSV_SEPARATOR)),
                    config.getBoolean(FileSinkConfig.CSV_HEADER));
        };
    }

    /** The value as text; bytes are written as they are. */
    static final class Raw extends RecordEncoder {
        @Override
        void encode(SinkRecord record, FileOutput out) throws IOException {
            Object value = record.value();
            if (value instanceof byte[] bytes) {
                out.write(bytes);
            } else if (value instanceof ByteBuffer bb) {
                byte[] bytes = new byte[bb.remaining()];
                bb.duplicate().get(bytes);
                out.write(bytes);
            } else if (value != null) {
                out.write(value.toString().getBytes(StandardCharsets.UTF_8));
            }
            out.write('\n');
        }

        @Override
        String extension() {
            return ".txt";
        }
    }

    /** The value as one JSON document: structs and maps as objects, bytes as base64. */
    static final class Json extends RecordEncoder {
        private final StringBuilder sb = new StringBuilder(256);

        @Override
        void encode(SinkRecord record, FileOutput out) throws IOException {
            sb.setLength(0);
            json(record.value());
            sb.append('\n');
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }

        private void json(Object value) {
            if (value == null) {
                sb.append("null");
            } else if (value instanceof String s) {
                quote(s);
            } else if (value instanceof Number || value instanceof Boolean) {
                if (value instanceof Double d && (d.isNaN() || d.isInfinite())
                        || value instanceof Float f && (f.isNaN() || f.isInfinite())) {
                    quote(value.toString());
                } else {
                    sb.append(value);
                }
            } else if (value instanceof Struct struct) {
                sb.append('{');
                boolean first = true;
                for (Field field : struct.schema().fields()) {
                    first = comma(first);
                    quote(field.name());
                    sb.append(':');
                    json(struct.get(field));
                }
                sb.append('}');
            } else if (value instanceof Map<?, ?> map) {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    first = comma(first);
                    quote(String.valueOf(e.getKey()));
                    sb.append(':');
                    json(e.getValue());
                }
                sb.append('}');
            } else if (value instanceof Collection<?> list) {
                sb.append('[');
                boolean first = true;
                for (Object element : list) {
                    first = comma(first);
                    json(element);
                }
                sb.append(']');
            } else if (value instanceof byte[] bytes) {
                quote(Base64.getEncoder().encodeToString(bytes));
            } else if (value instanceof java.util.Date date) {
                sb.append(date.getTime());
            } else {
                quote(value.toString());
            }
        }

        private boolean comma(boolean first) {
            if (!first) {
                sb.append(',');
            }
            return false;
        }

        private void quote(String s) {
            // Jackson's quoting, the one the JDBC sink's JSON text uses too
            sb.append('"');
            JsonStringEncoder.getInstance().quoteAsString(s, sb);
            sb.append('"');
        }

        @Override
        String extension() {
            return ".jsonl";
        }
    }

    /** A struct's fields in schema order, a map's values, a list's elements, or the value as one column. */
    static final class Csv extends RecordEncoder {
        private final char separator;
        private final boolean headerRow;
        private final StringBuilder sb = new StringBuilder(256);

        Csv(char separator, boolean headerRow) {
            this.separator = separator;
            this.headerRow = headerRow;
        }

        /** The column names: a struct's field names, a map's keys, a list's positions, else one column "value". */
        @Override
        void header(SinkRecord first, FileOutput out) throws IOException {
            if (!headerRow) {
                return;
            }
            sb.setLength(0);
            Object value = first.value();
            boolean firstCell = true;
            if (value instanceof Struct struct) {
                for (Field field : struct.schema().fields()) {
                    firstCell = cell(firstCell, field.name());
                }
            } else if (value instanceof Map<?, ?> map) {
                for (Object key : map.keySet()) {
                    firstCell = cell(firstCell, String.valueOf(key));
                }
            } else if (value instanceof Collection<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    firstCell = cell(firstCell, Integer.toString(i));
                }
            } else {
                cell(true, "value");
            }
            sb.append('\n');
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        void encode(SinkRecord record, FileOutput out) throws IOException {
            sb.setLength(0);
            Object value = record.value();
            if (value instanceof Struct struct) {
                boolean first = true;
                for (Field field : struct.schema().fields()) {
                    first = cell(first, struct.get(field));
                }
            } else if (value instanceof Map<?, ?> map) {
                boolean first = true;
                for (Object v : map.values()) {
                    first = cell(first, v);
                }
            } else if (value instanceof Collection<?> list) {
                boolean first = true;
                for (Object v : list) {
                    first = cell(first, v);
                }
            } else {
                cell(true, value);
            }
            sb.append('\n');
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }

        private boolean cell(boolean first, Object value) {
            if (!first) {
                sb.append(separator);
            }
            if (value == null) {
                return false;
            }
            String s = value instanceof byte[] b ? Base64.getEncoder().encodeToString(b) : value.toString();
            boolean quote = false;
            for (int i = 0; i < s.length() && !quote; i++) {
                char c = s.charAt(i);
                quote = c == separator || c == '"' || c == '\n' || c == '\r';
            }
            if (quote) {
                sb.append('"').append(s.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(s);
            }
            return false;
        }

        @Override
        String extension() {
            return ".csv";
        }
    }
}
