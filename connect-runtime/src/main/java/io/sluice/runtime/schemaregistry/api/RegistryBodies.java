package io.sluice.runtime.schemaregistry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.rest.JsonBodyErrors;
import io.sluice.runtime.schemaregistry.RegistryException;
import io.sluice.runtime.schemaregistry.SchemaReference;
import io.sluice.runtime.schemaregistry.SchemaRequest;
import io.sluice.runtime.schemaregistry.SchemaVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Request bodies read and response bodies shaped as Confluent's registry does (field names, order, omissions). */
final class RegistryBodies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryBodies() {
    }

    /** The JSON object of a request body; 400 when it is not one. */
    static JsonNode object(String body) {
        if (body == null || body.isBlank()) {
            throw new RegistryException(400, 400, "A JSON request body is required");
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new RegistryException(400, 400, "The request body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new RegistryException(400, 400, e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                    ? JsonBodyErrors.describe(jpe) : "Malformed JSON request body");
        }
    }

    /** A register, lookup or compatibility request: schema, schemaType, references, id, version. */
    static SchemaRequest schemaRequest(String body) {
        JsonNode node = object(body);
        JsonNode schema = node.get("schema");
        if (schema != null && !schema.isNull() && !schema.isTextual()) {
            throw RegistryException.invalidSchema("Invalid schema: \"schema\" must be a JSON string holding the schema "
                    + "(e.g. \"{\\\"type\\\": \\\"string\\\"}\"), not a " + schema.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (schema == null || schema.isNull() || schema.asText().isBlank()) {
            throw RegistryException.invalidSchema("Empty schema");
        }
        List<SchemaReference> refs = new ArrayList<>();
        JsonNode references = node.path("references");
        if (!references.isMissingNode() && !references.isNull() && !references.isArray()) {
            throw RegistryException.invalidSchema("Invalid schema: references must be a list");
        }
        for (JsonNode ref : references) {
            if (!ref.path("name").isTextual() || !ref.path("subject").isTextual() || !ref.path("version").canConvertToInt()) {
                throw RegistryException.invalidSchema("Invalid schema: a reference needs a name, a subject and a version");
            }
            refs.add(new SchemaReference(ref.get("name").asText(), ref.get("subject").asText(), ref.get("version").asInt()));
        }
        return new SchemaRequest(schema.asText(), text(node, "schemaType"), refs, integer(node, "id"), integer(node, "version"));
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt()) {
            throw new RegistryException(422, 422, "Field " + field + " must be an integer");
        }
        return value.asInt();
    }

    /** A subject's version: subject, version, id, schemaType (when not AVRO), references (when any), schema. */
    static Map<String, Object> version(SchemaVersion v) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", v.subject());
        body.put("version", v.version());
        body.put("id", v.id());
        typeAndReferences(v, body);
        body.put("schema", v.schema());
        return body;
    }

    /** A schema by id: schemaType (when not AVRO), references (when any), schema. */
    static Map<String, Object> schema(SchemaVersion v) {
        Map<String, Object> body = new LinkedHashMap<>();
        typeAndReferences(v, body);
        body.put("schema", v.schema());
        return body;
    }

    private static void typeAndReferences(SchemaVersion v, Map<String, Object> body) {
        if (!v.schemaType().equals(SchemaVersion.AVRO)) {
            body.put("schemaType", v.schemaType());
        }
        if (!v.references().isEmpty()) {
            body.put("references", v.references());
        }
    }
}
