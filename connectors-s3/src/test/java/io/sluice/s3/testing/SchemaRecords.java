package io.sluice.s3.testing;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Records with Connect schemas as JsonConverter (schemas.enable=true) writes them, for tests of the schema
 * formats: order ids below a switch point have schema v1, the rest v2 (one more field).
 */
public final class SchemaRecords {

    public static final String CONVERTER = "org.apache.kafka.connect.json.JsonConverter";

    public static final Schema V1 = SchemaBuilder.struct().name("com.example.Order").version(1)
            .field("id", Schema.INT64_SCHEMA)
            .field("customer", Schema.OPTIONAL_STRING_SCHEMA)
            .field("price", Decimal.builder(2).build())
            .field("day", Date.builder().optional().build())
            .field("created", Timestamp.SCHEMA)
            .field("lines", SchemaBuilder.array(Schema.INT32_SCHEMA).build())
            .build();
    public static final Schema V2 = v2();

    private static final JsonConverter JSON = new JsonConverter();

    static {
        JSON.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
    }

    private SchemaRecords() {
    }

    /** V1 plus a required field: a schema change no reader could paper over. */
    private static Schema v2() {
        SchemaBuilder v2 = SchemaBuilder.struct().name(V1.name()).version(2);
        V1.fields().forEach(f -> v2.field(f.name(), f.schema()));
        return v2.field("channel", Schema.STRING_SCHEMA).build();
    }

    /** The order with id, in the schema its id falls in. */
    public static Struct order(long id, long switchAt) {
        Schema schema = id < switchAt ? V1 : V2;
        Struct s = new Struct(schema).put("id", id)
                .put("customer", id % 4 == 0 ? null : "c-" + id)
                .put("price", new BigDecimal(id).movePointLeft(2).add(new BigDecimal("1.05")))
                .put("day", id % 3 == 0 ? null : new java.util.Date(86_400_000L * (19_000 + id)))
                .put("created", new java.util.Date(1_700_000_000_000L + id * 1000))
                .put("lines", List.of((int) id, 7));
        if (schema == V2) {
            s.put("channel", id % 2 == 0 ? "web" : "shop");
        }
        return s;
    }

    /** Records (key "k<id mod keys>", JSON value with schema) of ids from..to-1. */
    public static List<Map.Entry<String, String>> json(long from, long to, long switchAt, int keys) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (long id = from; id < to; id++) {
            Struct order = order(id, switchAt);
            byte[] json = JSON.fromConnectData("t", order.schema(), order);
            out.add(Map.entry("k" + (id % keys), new String(json, StandardCharsets.UTF_8)));
        }
        return out;
    }
}
