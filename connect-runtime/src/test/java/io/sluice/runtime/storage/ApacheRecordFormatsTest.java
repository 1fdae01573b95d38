package io.sluice.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.KafkaConfigBackingStore;
import org.apache.kafka.connect.storage.KafkaStatusBackingStore;
import org.junit.jupiter.api.Test;

/**
 * Every record Sluice writes to a Connect cluster's internal topics is the JSON Apache Kafka Connect 4.3.1 writes
 * for it (Apache's own schemas and converter produce the expected side), and Sluice reads Apache's records back
 * to the same values: the formats a takeover and a rollback rely on.
 */
class ApacheRecordFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Apache's internal converter: JSON without schemas (ConnectDistributed configures it so). */
    private static final JsonConverter APACHE = new JsonConverter();

    static {
        APACHE.configure(Map.of("schemas.enable", "false"), false);
    }

    @Test
    void connectorAndTaskConfigsAreApachesPropertiesRecords() {
        Map<String, String> config = Map.of("connector.class", "FileStreamSource", "tasks.max", "2", "file", "/in");
        Struct apache = new Struct(KafkaConfigBackingStore.CONNECTOR_CONFIGURATION_V0).put("properties", config);
        assertEquals(apacheJson(KafkaConfigBackingStore.CONNECTOR_CONFIGURATION_V0, apache),
                json(ConfigRecordFormat.properties(config)));
        assertEquals(config, ConfigRecordFormat.parseProperties(apacheBytes(KafkaConfigBackingStore.TASK_CONFIGURATION_V0,
                new Struct(KafkaConfigBackingStore.TASK_CONFIGURATION_V0).put("properties", config))));
    }

    @Test
    void taskConfigCommitsCountTheTasksAsApachesDo() {
        Struct apache = new Struct(KafkaConfigBackingStore.CONNECTOR_TASKS_COMMIT_V0).put("tasks", 3);
        assertEquals(apacheJson(KafkaConfigBackingStore.CONNECTOR_TASKS_COMMIT_V0, apache), json(ConfigRecordFormat.commit(3)));
        assertEquals(3, ConfigRecordFormat.parseCommit(apacheBytes(KafkaConfigBackingStore.CONNECTOR_TASKS_COMMIT_V0, apache)));
    }

    @Test
    void targetStatesAreWrittenAsApacheWritesThemStoppedAsPausedForOlderWorkers() {
        for (TargetState state : TargetState.values()) {
            Struct apache = new Struct(KafkaConfigBackingStore.TARGET_STATE_V1)
                    .put("state", state == TargetState.STOPPED ? "PAUSED" : state.name())
                    .put("state.v2", state.name());
            assertEquals(apacheJson(KafkaConfigBackingStore.TARGET_STATE_V1, apache), json(ConfigRecordFormat.targetState(state)));
            assertEquals(state, ConfigRecordFormat.parseTargetState(apacheBytes(KafkaConfigBackingStore.TARGET_STATE_V1, apache)));
        }
        // a record of a worker older than KIP-875 has no state.v2
        Struct old = new Struct(KafkaConfigBackingStore.TARGET_STATE_V0).put("state", "PAUSED");
        assertEquals(TargetState.PAUSED, ConfigRecordFormat.parseTargetState(apacheBytes(KafkaConfigBackingStore.TARGET_STATE_V0, old)));
    }

    @Test
    void sessionKeysCarryTheKeyInBase64WithItsAlgorithmAndCreationTime() {
        byte[] key = {1, 2, 3, 4, 5, 6, 7, 8};
        Struct apache = new Struct(KafkaConfigBackingStore.SESSION_KEY_V0)
                .put("key", Base64.getEncoder().encodeToString(key))
                .put("algorithm", "HmacSHA256")
                .put("creation-timestamp", 1_765_000_000_000L);
        SessionKey sluice = new SessionKey(key, "HmacSHA256", 1_765_000_000_000L);
        assertEquals(apacheJson(KafkaConfigBackingStore.SESSION_KEY_V0, apache), json(ConfigRecordFormat.sessionKey(sluice)));
        assertEquals(sluice, ConfigRecordFormat.parseSessionKey(apacheBytes(KafkaConfigBackingStore.SESSION_KEY_V0, apache)));
    }

    @Test
    void restartRequestsSayWhetherTasksAndOnlyFailedOnesRestart() {
        Struct apache = new Struct(KafkaConfigBackingStore.RESTART_REQUEST_V0)
                .put(KafkaConfigBackingStore.INCLUDE_TASKS_FIELD_NAME, true)
                .put(KafkaConfigBackingStore.ONLY_FAILED_FIELD_NAME, false);
        assertEquals(apacheJson(KafkaConfigBackingStore.RESTART_REQUEST_V0, apache),
                json(ConfigRecordFormat.restartRequest(true, false)));
        assertEquals(new ConfigStore.RestartRequest("c", true, false),
                ConfigRecordFormat.parseRestartRequest("c", apacheBytes(KafkaConfigBackingStore.RESTART_REQUEST_V0, apache)));
    }

    @Test
    void taskCountRecordsOfExactlyOnceFencingAreRead() {
        Struct apache = new Struct(KafkaConfigBackingStore.TASK_COUNT_RECORD_V0).put("task-count", 4);
        assertEquals(apacheJson(KafkaConfigBackingStore.TASK_COUNT_RECORD_V0, apache), json(ConfigRecordFormat.taskCount(4)));
        assertEquals(4, ConfigRecordFormat.parseTaskCount(apacheBytes(KafkaConfigBackingStore.TASK_COUNT_RECORD_V0, apache)));
    }

    @Test
    void clusterLogLevelsNameTheLevel() {
        Struct apache = new Struct(KafkaConfigBackingStore.LOGGER_LEVEL_V0).put("level", "DEBUG");
        assertEquals(apacheJson(KafkaConfigBackingStore.LOGGER_LEVEL_V0, apache), json(ConfigRecordFormat.loggerLevel("DEBUG")));
        assertEquals("DEBUG", ConfigRecordFormat.parseLoggerLevel(apacheBytes(KafkaConfigBackingStore.LOGGER_LEVEL_V0, apache)));
    }

    @Test
    void configRecordKeysAreApaches() {
        assertEquals(KafkaConfigBackingStore.CONNECTOR_KEY("c-1"), key(ConfigRecordFormat.CONNECTOR_PREFIX, "c-1"));
        assertEquals(KafkaConfigBackingStore.TARGET_STATE_KEY("c-1"), key(ConfigRecordFormat.TARGET_STATE_PREFIX, "c-1"));
        assertEquals(KafkaConfigBackingStore.COMMIT_TASKS_KEY("c-1"), key(ConfigRecordFormat.COMMIT_PREFIX, "c-1"));
        assertEquals(KafkaConfigBackingStore.RESTART_KEY("c-1"), key(ConfigRecordFormat.RESTART_PREFIX, "c-1"));
        assertEquals(KafkaConfigBackingStore.TASK_COUNT_RECORD_KEY("c-1"), key(ConfigRecordFormat.TASK_COUNT_PREFIX, "c-1"));
        assertEquals(KafkaConfigBackingStore.LOGGER_CLUSTER_KEY("org.acme"), key(ConfigRecordFormat.LOGGER_PREFIX, "org.acme"));
        assertEquals(KafkaConfigBackingStore.SESSION_KEY_KEY, ConfigRecordFormat.SESSION_KEY);
        assertEquals(KafkaConfigBackingStore.TASK_KEY(new org.apache.kafka.connect.util.ConnectorTaskId("c-1", 2)),
                new String(ConfigRecordFormat.taskKey(new ConnectorTaskId("c-1", 2)), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void statusRecordsAreApachesWithWorkerAndGeneration() throws Exception {
        Schema schema = privateSchema("STATUS_SCHEMA_V0");
        Struct apache = new Struct(schema).put("state", "FAILED").put("trace", "boom").put("worker_id", "10.0.0.1:8083")
                .put("generation", 7).put("version", "4.3.1");
        assertEquals(apacheJson(schema, apache), json(KafkaStatusStore.value(State.FAILED, "boom", "10.0.0.1:8083", 7, "4.3.1")));
        Struct unknown = new Struct(schema).put("state", "UNASSIGNED").put("worker_id", "10.0.0.1:8083").put("generation", 7);
        assertEquals(apacheJson(schema, unknown), json(KafkaStatusStore.value(State.UNASSIGNED, null, "10.0.0.1:8083", 7, null)));
        assertEquals(KafkaStatusBackingStore.TASK_STATUS_PREFIX + "c-1-2",
                KafkaStatusStore.taskKey(new ConnectorTaskId("c-1", 2)));
        assertEquals(KafkaStatusBackingStore.CONNECTOR_STATUS_PREFIX, KafkaStatusStore.CONNECTOR_PREFIX);
    }

    @Test
    void topicStatusRecordsAreApaches() throws Exception {
        Schema valueSchema = privateSchema("TOPIC_STATUS_VALUE_SCHEMA_V0");
        Struct used = new Struct(valueSchema).put("name", "orders").put("connector", "c-1").put("task", 2)
                .put("discoverTimestamp", 1_765_000_000_000L);
        assertEquals(apacheJson(privateSchema("TOPIC_STATUS_SCHEMA_V0"), Map.of("topic", used)),
                json(KafkaStatusStore.topicValue(new TopicStatus("orders", "c-1", 2, 1_765_000_000_000L))));
        assertEquals(KafkaStatusBackingStore.TOPIC_STATUS_PREFIX + "orders" + KafkaStatusBackingStore.TOPIC_STATUS_SEPARATOR
                + "c-1", KafkaStatusStore.topicKey("orders", "c-1"));
    }

    private static String key(String prefix, String name) {
        return new String(ConfigRecordFormat.key(prefix, name), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** One of KafkaStatusBackingStore's private schemas: the exact definition Apache writes with. */
    private static Schema privateSchema(String name) throws ReflectiveOperationException {
        java.lang.reflect.Field field = KafkaStatusBackingStore.class.getDeclaredField(name);
        field.setAccessible(true);
        return (Schema) field.get(null);
    }

    private static byte[] apacheBytes(Schema schema, Object value) {
        return APACHE.fromConnectData("connect-configs", schema, value);
    }

    private static JsonNode apacheJson(Schema schema, Object value) {
        return json(apacheBytes(schema, value));
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
