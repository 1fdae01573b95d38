package io.sluice.runtime.schemaregistry;

import java.util.List;

/**
 * A schema as clients send it (register, lookup, compatibility check): text, type (AVRO when absent), references,
 * and in IMPORT mode the id and version to keep.
 */
public record SchemaRequest(String schema, String schemaType, List<SchemaReference> references, Integer id,
                            Integer version) {

    public SchemaRequest {
        schemaType = schemaType == null || schemaType.isBlank() ? SchemaVersion.AVRO : schemaType;
        references = references == null ? List.of() : List.copyOf(references);
    }

    public SchemaRequest(String schema) {
        this(schema, null, null, null, null);
    }
}
