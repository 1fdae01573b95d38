package io.sluice.runtime.schemaregistry.api;

/** The content types Confluent's registry speaks; responses default to the first. */
final class RegistryMediaTypes {
    static final String V1_JSON = "application/vnd.schemaregistry.v1+json";
    static final String JSON = "application/vnd.schemaregistry+json";

    private RegistryMediaTypes() {
    }
}
