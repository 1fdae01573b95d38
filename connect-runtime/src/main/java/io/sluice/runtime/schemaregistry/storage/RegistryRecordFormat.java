package io.sluice.runtime.schemaregistry.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.runtime.schemaregistry.Mode;
import io.sluice.runtime.schemaregistry.RegistryException;
import io.sluice.runtime.schemaregistry.SchemaReference;
import io.sluice.runtime.schemaregistry.SchemaVersion;
import io.sluice.runtime.schemaregistry.compatibility.CompatibilityLevel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Confluent Schema Registry's key and value format of the _schemas topic, byte for byte as its registry writes
 * them (JSON keys {"keytype":"SCHEMA","subject":..,"version":..,"magic":1}, values {"subject":..,"version":..,
 * "id":..,"schemaType":..,"references":[..],"schema":..,"deleted":..}), so either registry reads the other's topic.
 */
public final class RegistryRecordFormat {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryRecordFormat() {
    }

    /** The key and value bytes of a record (value null for a tombstone). */
    public static Map.Entry<byte[], byte[]> encode(RegistryRecord record) {
        ObjectNode key = JSON.createObjectNode();
        ObjectNode value = JSON.createObjectNode();
        boolean tombstone = false;
        if (record instanceof RegistryRecord.Schema s) {
            key.put("keytype", "SCHEMA").put("subject", s.subject()).put("version", s.version()).put("magic", 1);
            tombstone = s.value() == null;
            if (!tombstone) {
                writeSchema(s.value(), value);
            }
        } else if (record instanceof RegistryRecord.Config c) {
            subjectKey(key, "CONFIG", c.subject());
            tombstone = c.value() == null;
            if (!tombstone) {
                putSubject(value, c.subject());
                if (c.value().normalize() != null) {
                    value.put("normalize", c.value().normalize());
                }
                if (c.value().compatibilityLevel() != null) {
                    value.put("compatibilityLevel", c.value().compatibilityLevel().name());
                }
            }
        } else if (record instanceof RegistryRecord.ModeSetting m) {
            subjectKey(key, "MODE", m.subject());
            tombstone = m.value() == null;
            if (!tombstone) {
                putSubject(value, m.subject()).put("mode", m.value().name());
            }
        } else if (record instanceof RegistryRecord.DeleteSubject d) {
            subjectKey(key, "DELETE_SUBJECT", d.subject());
            value.put("subject", d.subject()).put("version", d.version());
        } else if (record instanceof RegistryRecord.ClearSubject c) {
            subjectKey(key, "CLEAR_SUBJECT", c.subject());
            value.put("subject", c.subject());
        } else {
            key.put("keytype", "NOOP").put("magic", 0);
            tombstone = true;
        }
        try {
            return new java.util.AbstractMap.SimpleImmutableEntry<>(JSON.writeValueAsBytes(key),
                    tombstone ? null : JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode a registry record", e);
        }
    }

    /** A record read from the topic; throws IllegalArgumentException for bytes that are not the registry's format. */
    public static RegistryRecord decode(byte[] keyBytes, byte[] valueBytes) {
        if (keyBytes == null) {
            throw new IllegalArgumentException("a _schemas record without a key");
        }
        JsonNode key = read(keyBytes);
        JsonNode value = valueBytes == null ? null : read(valueBytes);
        String keyType = key.path("keytype").asText("");
        String subject = key.hasNonNull("subject") ? key.get("subject").asText() : null;
        return switch (keyType) {
            case "SCHEMA" -> new RegistryRecord.Schema(required(subject, keyType), key.path("version").asInt(),
                    value == null ? null : readSchema(value, subject, key.path("version").asInt()));
            case "CONFIG" -> new RegistryRecord.Config(subject, value == null ? null : new RegistryRecord.ConfigValue(
                    value.hasNonNull("compatibilityLevel")
                            ? CompatibilityLevel.named(value.get("compatibilityLevel").asText())
                                    .orElseThrow(RegistryException::invalidCompatibilityLevel) : null,
                    value.hasNonNull("normalize") ? value.get("normalize").asBoolean() : null));
            case "MODE" -> new RegistryRecord.ModeSetting(subject,
                    value == null || !value.hasNonNull("mode") ? null : Mode.parse(value.get("mode").asText()));
            case "DELETE_SUBJECT" -> value == null ? new RegistryRecord.Ignored(keyType)
                    : new RegistryRecord.DeleteSubject(required(subject, keyType), value.path("version").asInt());
            case "CLEAR_SUBJECT" -> value == null ? new RegistryRecord.Ignored(keyType)
                    : new RegistryRecord.ClearSubject(required(subject, keyType));
            default -> new RegistryRecord.Ignored(keyType);
        };
    }

    private static void subjectKey(ObjectNode key, String keyType, String subject) {
        key.put("keytype", keyType);
        putSubject(key, subject);
        key.put("magic", 0);
    }

    private static ObjectNode putSubject(ObjectNode node, String subject) {
        if (subject != null) {
            node.put("subject", subject);
        }
        return node;
    }

    private static void writeSchema(SchemaVersion schema, ObjectNode value) {
        value.put("subject", schema.subject()).put("version", schema.version()).put("id", schema.id())
                .put("schemaType", schema.schemaType());
        if (!schema.references().isEmpty()) {
            ArrayNode refs = value.putArray("references");
            for (SchemaReference ref : schema.references()) {
                refs.addObject().put("name", ref.name()).put("subject", ref.subject()).put("version", ref.version());
            }
        }
        value.put("schema", schema.schema()).put("deleted", schema.deleted());
    }

    private static SchemaVersion readSchema(JsonNode value, String keySubject, int keyVersion) {
        List<SchemaReference> refs = new ArrayList<>();
        for (JsonNode ref : value.path("references")) {
            refs.add(new SchemaReference(ref.path("name").asText(), ref.path("subject").asText(), ref.path("version").asInt()));
        }
        String subject = value.hasNonNull("subject") ? value.get("subject").asText() : keySubject;
        int version = value.has("version") ? value.get("version").asInt() : keyVersion;
        if (!value.hasNonNull("schema") || !value.has("id")) {
            throw new IllegalArgumentException("a SCHEMA record without schema or id");
        }
        return new SchemaVersion(subject, version, value.get("id").asInt(),
                value.hasNonNull("schemaType") ? value.get("schemaType").asText() : null, refs,
                value.get("schema").asText(), value.path("deleted").asBoolean(false));
    }

    private static String required(String subject, String keyType) {
        if (subject == null) {
            throw new IllegalArgumentException("a " + keyType + " record without a subject");
        }
        return subject;
    }

    private static JsonNode read(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }
}
