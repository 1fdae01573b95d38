package io.sluice.runtime.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.TargetState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Apache Kafka Connect's config topic record format: connector-NAME {"properties":{...}},
 * target-state-NAME {"state":..,"state.v2":..}, task-NAME-N {"properties":{...}}, commit-NAME {"tasks":N},
 * restart-connector-NAME, session-key, tasks-fencing-NAME {"task-count":N} (exactly-once zombie fencing) and
 * logger-cluster-NAMESPACE {"level":..} (KIP-976); a null value deletes.
 */
final class ConfigRecordFormat {

    static final String CONNECTOR_PREFIX = "connector-";
    static final String TARGET_STATE_PREFIX = "target-state-";
    static final String TASK_PREFIX = "task-";
    static final String COMMIT_PREFIX = "commit-";
    static final String RESTART_PREFIX = "restart-connector-";
    static final String SESSION_KEY = "session-key";
    /** The field of connector and task config values holding the config. */
    static final String PROPERTIES = "properties";
    /** The fields of the session key value: the key itself (base64), its algorithm. */
    static final String SESSION_KEY_KEY = "key";
    static final String SESSION_KEY_ALGORITHM = "algorithm";
    static final String TASK_COUNT_PREFIX = "tasks-fencing-";
    static final String LOGGER_PREFIX = "logger-cluster-";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private ConfigRecordFormat() {
    }

    static byte[] key(String prefix, String name) {
        return (prefix + name).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] taskKey(ConnectorTaskId id) {
        return key(TASK_PREFIX, id.connector() + "-" + id.task());
    }

    static byte[] properties(Map<String, String> config) {
        ObjectNode node = JSON.createObjectNode();
        node.set(PROPERTIES, JSON.valueToTree(config));
        return write(node);
    }

    /** STOPPED is written as PAUSED in "state" for workers that predate it, as Apache does. */
    static byte[] targetState(TargetState state) {
        ObjectNode node = JSON.createObjectNode();
        node.put("state", state == TargetState.STOPPED ? TargetState.PAUSED.name() : state.name());
        node.put("state.v2", state.name());
        return write(node);
    }

    static byte[] commit(int tasks) {
        ObjectNode node = JSON.createObjectNode();
        node.put("tasks", tasks);
        return write(node);
    }

    /** Apache's restart request value: {"include-tasks": bool, "only-failed": bool}. */
    static byte[] restartRequest(boolean includeTasks, boolean onlyFailed) {
        ObjectNode node = JSON.createObjectNode();
        node.put("include-tasks", includeTasks);
        node.put("only-failed", onlyFailed);
        return write(node);
    }

    static ConfigStore.RestartRequest parseRestartRequest(String connector, byte[] value) {
        JsonNode node = read(value);
        return new ConfigStore.RestartRequest(connector, node.path("include-tasks").asBoolean(false),
                node.path("only-failed").asBoolean(false));
    }

    /** Apache's session key value: {"key": base64, "algorithm": ..., "creation-timestamp": ms}. */
    static byte[] sessionKey(SessionKey key) {
        ObjectNode node = JSON.createObjectNode();
        node.put(SESSION_KEY_KEY, java.util.Base64.getEncoder().encodeToString(key.key()));
        node.put(SESSION_KEY_ALGORITHM, key.algorithm());
        node.put("creation-timestamp", key.creationTimestamp());
        return write(node);
    }

    static SessionKey parseSessionKey(byte[] value) {
        JsonNode node = read(value);
        if (!node.hasNonNull(SESSION_KEY_KEY) || !node.hasNonNull(SESSION_KEY_ALGORITHM)) {
            throw new IllegalArgumentException("Session key record needs \"key\" and \"algorithm\"");
        }
        return new SessionKey(java.util.Base64.getDecoder().decode(node.get(SESSION_KEY_KEY).asText()),
                node.get(SESSION_KEY_ALGORITHM).asText(), node.path("creation-timestamp").asLong());
    }

    /** Apache's task count record, written by its leader after fencing a connector's zombie tasks. */
    static byte[] taskCount(int tasks) {
        ObjectNode node = JSON.createObjectNode();
        node.put("task-count", tasks);
        return write(node);
    }

    static int parseTaskCount(byte[] value) {
        JsonNode count = read(value).get("task-count");
        if (count == null || !count.canConvertToInt()) {
            throw new IllegalArgumentException("Task count record has no \"task-count\"");
        }
        return count.asInt();
    }

    /** A cluster-wide log level (KIP-976): {"level": "DEBUG"}. */
    static byte[] loggerLevel(String level) {
        ObjectNode node = JSON.createObjectNode();
        node.put("level", level);
        return write(node);
    }

    static String parseLoggerLevel(byte[] value) {
        JsonNode level = read(value).get("level");
        if (level == null || !level.isTextual()) {
            throw new IllegalArgumentException("Logger level record has no \"level\"");
        }
        return level.asText();
    }

    static Map<String, String> parseProperties(byte[] value) {
        JsonNode properties = read(value).get(PROPERTIES);
        if (properties == null || !properties.isObject()) {
            throw new IllegalArgumentException("Config record has no \"properties\" object");
        }
        return JSON.convertValue(properties, STRING_MAP);
    }

    static TargetState parseTargetState(byte[] value) {
        JsonNode node = read(value);
        JsonNode state = node.hasNonNull("state.v2") ? node.get("state.v2") : node.get("state");
        if (state == null) {
            throw new IllegalArgumentException("Target state record has no \"state\"");
        }
        return TargetState.valueOf(state.asText());
    }

    static int parseCommit(byte[] value) {
        JsonNode tasks = read(value).get("tasks");
        if (tasks == null || !tasks.canConvertToInt()) {
            throw new IllegalArgumentException("Task commit record has no \"tasks\" count");
        }
        return tasks.asInt();
    }

    /** Whether a value is JSON at all; Apache's workers skip one that is not (as a converter error). */
    static boolean isJson(byte[] value) {
        try {
            return JSON.readTree(value) != null;
        } catch (IOException e) {
            return false;
        }
    }

    private static JsonNode read(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("Config record value is not JSON", e);
        }
    }

    private static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new StoreException("Cannot serialize config record", e);
        }
    }
}
