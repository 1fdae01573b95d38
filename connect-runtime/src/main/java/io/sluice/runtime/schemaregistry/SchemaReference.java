package io.sluice.runtime.schemaregistry;

/** A named type a schema uses, defined by another subject's version (Confluent's schema references). */
public record SchemaReference(String name, String subject, int version) {
}
