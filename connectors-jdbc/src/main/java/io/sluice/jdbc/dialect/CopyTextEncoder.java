package io.sluice.jdbc.dialect;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/** Writes rows in PostgreSQL's COPY text format (tab-separated, backslash escapes, \N for NULL). */
final class CopyTextEncoder {
    private static final HexFormat HEX = HexFormat.of();
    private final ZoneId zone;

    CopyTextEncoder(ZoneId zone) {
        this.zone = zone;
    }

    String encode(List<SinkColumn> columns, List<Object[]> rows) {
        StringBuilder sb = new StringBuilder(rows.size() * 64);
        for (Object[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    sb.append('\t');
                }
                Object v = row[i];
                if (v == null) {
                    sb.append("\\N");
                } else {
                    Schema schema = columns.get(i).schema();
                    String text = schema.type() == Schema.Type.ARRAY
                            ? arrayLiteral(schema.valueSchema(), (List<?>) v, zone) : plainText(schema, v, zone);
                    escapeInto(sb, text);
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The value as PostgreSQL's input syntax for its column type, before any COPY escaping. */
    static String plainText(Schema schema, Object v, ZoneId zone) {
        String logical = schema.name();
        if (logical != null) {
            switch (logical) {
                case Decimal.LOGICAL_NAME:
                    return ((BigDecimal) v).toPlainString();
                case Date.LOGICAL_NAME:
                    return ((java.util.Date) v).toInstant().atOffset(ZoneOffset.UTC).toLocalDate().toString();
                case Time.LOGICAL_NAME:
                    return LocalTime.ofNanoOfDay((((java.util.Date) v).getTime() % 86_400_000L) * 1_000_000L)
                            .toString();
                case Timestamp.LOGICAL_NAME:
                    return LocalDateTime.ofInstant(((java.util.Date) v).toInstant(), zone).toString();
                default:
                    break;
            }
        }
        return switch (schema.type()) {
            case BOOLEAN -> ((Boolean) v) ? "t" : "f";
            case BYTES -> "\\x" + HEX.formatHex(AnsiDialect.bytes(v));
            default -> v.toString();
        };
    }

    private static String arrayLiteral(Schema element, List<?> values, ZoneId zone) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object v = values.get(i);
            if (v == null) {
                sb.append("NULL");
            } else {
                sb.append('"').append(plainText(element, v, zone).replace("\\", "\\\\").replace("\"", "\\\""))
                        .append('"');
            }
        }
        return sb.append('}').toString();
    }

    private static void escapeInto(StringBuilder sb, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
    }
}
