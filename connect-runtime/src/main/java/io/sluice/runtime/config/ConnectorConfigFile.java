package io.sluice.runtime.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A connector config file given to {@code bin/connect WORKER_CONFIG CONNECTOR_CONFIG...}, in every
 * shape Apache's connect-standalone accepts: a .properties file, a flat JSON object, or a JSON
 * {@code {"name": ..., "config": {...}, "initial_state": ...}} body as for {@code POST /connectors}.
 * JSON numbers and booleans are taken as their text.
 *
 * @param initialState the requested initial_state (RUNNING, PAUSED, STOPPED) or null
 */
public record ConnectorConfigFile(Path file, String name, Map<String, String> config, String initialState) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WHAT = "connector config";

    public ConnectorConfigFile {
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
    }

    /** Reads and checks a connector config file; every problem is a one-line {@link ConfigFileException}. */
    public static ConnectorConfigFile load(Path file) {
        String text = ConfigFiles.read(file, WHAT);
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
                || text.stripLeading().startsWith("{");
        return json ? fromJson(file, text) : fromProperties(file, text);
    }

    private static ConnectorConfigFile fromProperties(Path file, String text) {
        Map<String, String> config = ConfigFiles.parseProperties(file, text);
        return new ConnectorConfigFile(file, requireName(file, config.get(ConnectorConfig.NAME)), config, null);
    }

    private static ConnectorConfigFile fromJson(Path file, String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new ConfigFileException(file, "malformed JSON" + where + ": " + firstLine(e.getOriginalMessage()), e);
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw new ConfigFileException(file, "a JSON connector config must be an object, either {\"name\": ..., "
                    + "\"config\": {...}} or a flat object of config keys");
        }
        JsonNode nested = root.get("config");
        boolean wrapped = nested != null && (nested.isObject() || !root.has(ConnectorConfig.CONNECTOR_CLASS));
        if (!wrapped) {
            Map<String, String> config = flatten(file, root, "");
            return new ConnectorConfigFile(file, requireName(file, config.get(ConnectorConfig.NAME)), config, null);
        }
        if (!nested.isObject()) {
            throw new ConfigFileException(file, "'config' must be a JSON object of config keys, not " + describe(nested));
        }
        Map<String, String> config = flatten(file, nested, "config.");
        String topName = scalar(file, root.get(ConnectorConfig.NAME), ConnectorConfig.NAME);
        String innerName = config.get(ConnectorConfig.NAME);
        if (topName != null && innerName != null && !topName.equals(innerName)) {
            throw new ConfigFileException(file, "'config.name' (" + innerName + ") does not match 'name' (" + topName + ")");
        }
        String name = requireName(file, topName != null ? topName : innerName);
        config.putIfAbsent(ConnectorConfig.NAME, name);
        String initialState = scalar(file, root.get("initial_state"), "initial_state");
        if (initialState != null) {
            initialState = initialState.trim().toUpperCase(Locale.ROOT);
            if (!initialState.equals("RUNNING") && !initialState.equals("PAUSED") && !initialState.equals("STOPPED")) {
                throw new ConfigFileException(file, "'initial_state' must be RUNNING, PAUSED or STOPPED, not "
                        + root.get("initial_state").asText());
            }
        }
        return new ConnectorConfigFile(file, name, config, initialState);
    }

    private static Map<String, String> flatten(Path file, JsonNode object, String keyPrefix) {
        Map<String, String> config = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String value = scalar(file, field.getValue(), keyPrefix + field.getKey());
            if (value == null) {
                throw new ConfigFileException(file, "'" + keyPrefix + field.getKey() + "' is null; give it a value or remove it");
            }
            config.put(field.getKey(), value);
        }
        return config;
    }

    /** A string, number or boolean as text; null for absent or JSON null. */
    private static String scalar(Path file, JsonNode node, String key) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        throw new ConfigFileException(file, "'" + key + "' must be a string, number or boolean, not " + describe(node)
                + (node.isArray() ? " (write lists as one comma-separated string)" : ""));
    }

    private static String requireName(Path file, String name) {
        if (name == null || name.isBlank()) {
            throw new ConfigFileException(file, "connector config is missing the mandatory 'name'");
        }
        return name;
    }

    private static String describe(JsonNode node) {
        return node.isArray() ? "an array" : node.isObject() ? "an object" : "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unexpected content";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
