package io.sluice.jdbc.cdc;

/**
 * Schema and topic names as Debezium forms them: topics {@code <prefix>.<schema>.<table>} with characters Kafka
 * does not allow replaced by {@code _}; schema names unchanged, or with {@code schema.name.adjustment.mode=avro}
 * made valid Avro names (each dot-separated part starts with a letter or {@code _} and holds only letters, digits
 * and {@code _}).
 */
final class SchemaNames {
    private final boolean avro;

    SchemaNames(boolean avro) {
        this.avro = avro;
    }

    String adjust(String name) {
        if (!avro) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length());
        boolean partStart = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                out.append(c);
                partStart = true;
                continue;
            }
            boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
            boolean digit = c >= '0' && c <= '9';
            if (partStart && digit) {
                out.append('_').append(c);
            } else {
                out.append(letter || digit ? c : '_');
            }
            partStart = false;
        }
        return out.toString();
    }

    /** A topic name from its parts, each character Kafka refuses replaced by {@code _}. */
    static String topic(String delimiter, String... parts) {
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (!out.isEmpty()) {
                out.append(delimiter);
            }
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.'
                        || c == '_' || c == '-';
                out.append(ok ? c : '_');
            }
        }
        return out.toString();
    }
}
