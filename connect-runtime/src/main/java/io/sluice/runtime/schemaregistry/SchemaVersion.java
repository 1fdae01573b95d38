package io.sluice.runtime.schemaregistry;

import java.util.List;

/** One version of a subject as stored in the _schemas topic: its global id, type, references and schema text. */
public record SchemaVersion(String subject, int version, int id, String schemaType, List<SchemaReference> references,
                            String schema, boolean deleted) {

    public static final String AVRO = "AVRO";

    public SchemaVersion {
        schemaType = schemaType == null || schemaType.isBlank() ? AVRO : schemaType;
        references = references == null ? List.of() : List.copyOf(references);
    }

    /** The same version, soft-deleted or restored. */
    public SchemaVersion withDeleted(boolean isDeleted) {
        return new SchemaVersion(subject, version, id, schemaType, references, schema, isDeleted);
    }

    /** What makes two registrations the same schema (and so the same id): type, text and references. */
    public SchemaContent content() {
        return new SchemaContent(schemaType, schema, references);
    }

    /** A schema's identity across subjects. */
    public record SchemaContent(String schemaType, String schema, List<SchemaReference> references) {
    }
}
