package io.sluice.jdbc.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.jdbc.testing.Topics;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every common PostgreSQL type, read by this connector and by Debezium's PostgreSQL connector 3.6.1 (its plugin, in
 * the same worker) from the same table: the same Connect schema (type, logical name, parameters) and the same value
 * for each column, in the snapshot and in the stream; with the default modes and with every other value of
 * decimal.handling.mode, time.precision.mode, interval.handling.mode and binary.handling.mode.
 */
class CdcTypesIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("cdctypes");

    @TempDir
    Path dir;

    /** A column of every common type, also the source of CdcReplicaTypesIT's replica. */
    static final String COLUMNS = "id int PRIMARY KEY, c_int2 smallint, c_int4 integer, c_int8 bigint, "
            + "c_float4 real, c_float8 double precision, c_numeric numeric(10,3), c_numeric_free numeric, c_money money, "
            + "c_bool boolean, c_char char(3), c_varchar varchar(10), c_text text, c_bytea bytea, c_date date, "
            + "c_time time, c_time3 time(3), c_timestamp timestamp, c_timestamp3 timestamp(3), c_timestamptz timestamptz, "
            + "c_timetz timetz, c_interval interval, c_json json, c_jsonb jsonb, c_uuid uuid, c_xml xml, c_inet inet, "
            + "c_int_array int4[], c_text_array text[], c_mood mood, c_bit1 bit(1), c_bit4 bit(4), c_varbit varbit(10), "
            + "c_daterange daterange, c_oid oid";
    /** One row with a value in every column. */
    static final String VALUES = "1, -32768, 2147483647, -9223372036854775808, 1.5, -2.25e100, 1234567.891, "
            + "12345678901234567890.123456789, 12.34, true, 'ab', 'hello', 'tab\there \"quoted\" \\\\ back', "
            + "'\\x00ff10', '2024-02-29', '13:14:15.123456', '13:14:15.123', '2024-02-29 13:14:15.123456', "
            + "'1999-12-31 23:59:59.999', '2024-02-29 13:14:15.123456+02', '13:14:15+02', "
            + "'1 year 2 mons 3 days 04:05:06.5', '{\"a\": [1, 2]}', '{\"b\": null}', "
            + "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '<x>1</x>', '192.168.0.1/24', '{1,NULL,3}', "
            + "'{\"a b\",NULL,\"c,d\"}', 'happy', B'1', B'1010', B'101', '[2024-01-01,2024-02-01)', 42";

    @Test
    void everyCommonTypeHasDebeziumsSchemaAndValueInEveryHandlingMode() throws Exception {
        db.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')", "CREATE SCHEMA types",
                "CREATE TABLE types.all_types (" + COLUMNS + ")", "INSERT INTO types.all_types VALUES (" + VALUES + ")",
                "INSERT INTO types.all_types (id) VALUES (2)");
        Path pluginPath = TestWorkers.pluginPath(dir);
        TestPlugins.install(TestPlugins.root().resolve("debezium-connector-postgres"), pluginPath);
        List<Map<String, String>> modes = List.of(Map.of(), Map.of("decimal.handling.mode", "double",
                "time.precision.mode", "connect", "interval.handling.mode", "string", "binary.handling.mode", "base64"),
                Map.of("decimal.handling.mode", "string", "time.precision.mode", "adaptive_time_microseconds",
                        "binary.handling.mode", "hex"));
        List<String[]> pairs = new ArrayList<>();
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            for (Map<String, String> mode : modes) {
                String ours = KafkaTestBroker.uniqueTopic("ours").replace('-', '_');
                String theirs = KafkaTestBroker.uniqueTopic("dbz").replace('-', '_');
                pairs.add(new String[] {ours + ".types.all_types", theirs + ".types.all_types", mode.toString()});
                Map<String, String> sluice = new HashMap<>(mode);
                sluice.put("connector.class", "io.sluice.jdbc.cdc.PostgresCdcConnector");
                sluice.put("connection.url", db.url());
                sluice.put("topic.prefix", ours);
                sluice.put("table.include.list", "types\\.all_types");
                sluice.put("slot.name", ours);
                sluice.put("publication.name", ours);
                assertEquals(201, rest.createConnector(ours, sluice).status());
                Map<String, String> debezium = new HashMap<>(mode);
                debezium.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
                debezium.put("database.hostname", "localhost");
                debezium.put("database.port", db.url().replaceAll(".*:(\\d+)/.*", "$1"));
                debezium.put("database.user", "postgres");
                debezium.put("database.password", "postgres");
                debezium.put("database.dbname", db.name());
                debezium.put("topic.prefix", theirs);
                debezium.put("table.include.list", "types\\.all_types");
                debezium.put("plugin.name", "pgoutput");
                debezium.put("slot.name", theirs);
                debezium.put("publication.name", theirs);
                debezium.put("publication.autocreate.mode", "filtered");
                assertEquals(201, rest.createConnector(theirs, debezium).status());
            }
            for (String[] pair : pairs) {
                for (String topic : List.of(pair[0], pair[1])) {
                    Await.until(() -> Topics.recordsIn(topic) >= 2, Duration.ofSeconds(90), "the snapshot in " + topic);
                }
                compare(KafkaTestBroker.consumeAll(pair[0], 2, Duration.ofSeconds(30)),
                        KafkaTestBroker.consumeAll(pair[1], 2, Duration.ofSeconds(30)), "snapshot " + pair[2]);
            }
            db.execute("INSERT INTO types.all_types SELECT id + 10, c_int2, c_int4, c_int8, c_float4, c_float8, "
                    + "c_numeric, c_numeric_free, c_money, c_bool, c_char, c_varchar, c_text, c_bytea, c_date, c_time, "
                    + "c_time3, c_timestamp, c_timestamp3, c_timestamptz, c_timetz, c_interval, c_json, c_jsonb, "
                    + "c_uuid, c_xml, c_inet, c_int_array, c_text_array, c_mood, c_bit1, c_bit4, c_varbit, "
                    + "c_daterange, c_oid FROM types.all_types");
            for (String[] pair : pairs) {
                compare(KafkaTestBroker.consumeAll(pair[0], 4, Duration.ofSeconds(60)).subList(2, 4),
                        KafkaTestBroker.consumeAll(pair[1], 4, Duration.ofSeconds(60)).subList(2, 4),
                        "stream " + pair[2]);
            }
        }
    }

    private static void compare(List<ConsumerRecord<String, String>> ours, List<ConsumerRecord<String, String>> theirs,
                                String phase) throws Exception {
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            JsonNode a = JSON.readTree(ours.get(i).value());
            JsonNode b = JSON.readTree(theirs.get(i).value());
            Map<String, JsonNode> schemaA = fields(a.get("schema"));
            Map<String, JsonNode> schemaB = fields(b.get("schema"));
            JsonNode afterA = a.get("payload").get("after");
            JsonNode afterB = b.get("payload").get("after");
            for (Iterator<String> names = afterB.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!String.valueOf(schemaA.get(name)).equals(String.valueOf(schemaB.get(name)))) {
                    differences.add(phase + " " + name + " schema: ours " + schemaA.get(name) + ", Debezium's "
                            + schemaB.get(name));
                }
                if (!String.valueOf(afterA.get(name)).equals(String.valueOf(afterB.get(name)))) {
                    differences.add(phase + " row " + afterB.get("id") + " " + name + ": ours " + afterA.get(name)
                            + ", Debezium's " + afterB.get(name));
                }
            }
            assertEquals(35, afterB.size(), "every column compared");
            assertEquals(afterB.size(), afterA.size(), "the same columns");
            assertEquals(b.get("payload").get("op"), a.get("payload").get("op"));
        }
        assertTrue(differences.isEmpty(), String.join("\n", differences));
    }

    /** The after field's struct fields by name (its schema as JSON), without the field name itself. */
    private static Map<String, JsonNode> fields(JsonNode envelopeSchema) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode field : envelopeSchema.get("fields")) {
            if (field.get("field").asText().equals("after")) {
                for (JsonNode column : field.get("fields")) {
                    String name = column.get("field").asText();
                    ((com.fasterxml.jackson.databind.node.ObjectNode) column).remove("field");
                    out.put(name, column);
                }
            }
        }
        return out;
    }
}
