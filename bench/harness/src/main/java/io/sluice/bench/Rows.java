package io.sluice.bench;

import java.util.Locale;

/** The generated table rows of scenarios 3 and 4 and their JSON-with-schema form on a topic. */
public final class Rows {

    /** One row, about 100 bytes of data. */
    public record Row(long id, String name, double amount, long created, String note) {
    }

    private static final String KEY_SCHEMA = "{\"type\":\"struct\",\"optional\":false,\"fields\":["
            + "{\"field\":\"id\",\"type\":\"int64\",\"optional\":false}]}";
    private static final String VALUE_SCHEMA = "{\"type\":\"struct\",\"optional\":false,\"name\":\"bench_row\",\"fields\":["
            + "{\"field\":\"id\",\"type\":\"int64\",\"optional\":false},"
            + "{\"field\":\"name\",\"type\":\"string\",\"optional\":false},"
            + "{\"field\":\"amount\",\"type\":\"double\",\"optional\":false},"
            + "{\"field\":\"created\",\"type\":\"int64\",\"optional\":false},"
            + "{\"field\":\"note\",\"type\":\"string\",\"optional\":false}]}";

    private Rows() {
    }

    public static Row row(int i) {
        String line = BenchContext.line(i);
        return new Row(i, "name-" + line.substring(10, 30), (i % 100_000) / 100.0, 1_700_000_000_000L + i * 1000L,
                line.substring(30, 80));
    }

    /** The record key as JsonConverter (schemas.enable=true) reads it: a struct {id}. */
    public static String keyJson(int i) {
        return "{\"schema\":" + KEY_SCHEMA + ",\"payload\":{\"id\":" + i + "}}";
    }

    /** The record value as JsonConverter (schemas.enable=true) reads it. */
    public static String valueJson(int i) {
        return "{\"schema\":" + VALUE_SCHEMA + ",\"payload\":" + payloadJson(i) + "}";
    }

    /** The row as a plain JSON object (the payload of {@link #valueJson}; a line of scenario 10's input file). */
    public static String payloadJson(int i) {
        Row r = row(i);
        return String.format(Locale.ROOT, "{\"id\":%d,\"name\":\"%s\",\"amount\":%s,\"created\":%d,\"note\":\"%s\"}",
                r.id(), r.name(), r.amount(), r.created(), r.note());
    }
}
