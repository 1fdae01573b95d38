package io.sluice.runtime.schemaregistry;

/**
 * A registry request that cannot be served, with Confluent Schema Registry's HTTP status and error code
 * (40401 subject not found, 42201 invalid schema, 409 incompatible, 50001 store error, ...) and its message.
 */
public final class RegistryException extends RuntimeException {
    private final int status;
    private final int errorCode;

    public RegistryException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public RegistryException(int status, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    public static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, 40401, "Subject '" + subject + "' not found.");
    }

    public static RegistryException versionNotFound(Object version) {
        return new RegistryException(404, 40402, "Version " + version + " not found.");
    }

    public static RegistryException schemaNotFound() {
        return new RegistryException(404, 40403, "Schema not found");
    }

    public static RegistryException schemaNotFound(int id) {
        return new RegistryException(404, 40403, "Schema " + id + " not found");
    }

    public static RegistryException subjectSoftDeleted(String subject) {
        return new RegistryException(404, 40404,
                "Subject '" + subject + "' was soft deleted.Set permanent=true to delete permanently");
    }

    public static RegistryException subjectNotSoftDeleted(String subject) {
        return new RegistryException(404, 40405,
                "Subject '" + subject + "' was not deleted first before being permanently deleted");
    }

    public static RegistryException versionSoftDeleted(String subject, int version) {
        return new RegistryException(404, 40406, "Subject '" + subject + "' Version " + version
                + " was soft deleted.Set permanent=true to delete permanently");
    }

    public static RegistryException versionNotSoftDeleted(String subject, int version) {
        return new RegistryException(404, 40407, "Subject '" + subject + "' Version " + version
                + " was not deleted first before being permanently deleted");
    }

    public static RegistryException subjectCompatibilityNotConfigured(String subject) {
        return new RegistryException(404, 40408,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    public static RegistryException subjectModeNotConfigured(String subject) {
        return new RegistryException(404, 40409, "Subject '" + subject + "' does not have subject-level mode configured");
    }

    public static RegistryException incompatible(String subject, java.util.List<String> messages) {
        return new RegistryException(409, 409, "Schema being registered is incompatible with an earlier schema for "
                + "subject \"" + subject + "\", details: " + messages);
    }

    public static RegistryException invalidSchema(String message) {
        return new RegistryException(422, 42201, message);
    }

    public static RegistryException invalidVersion(String version) {
        return new RegistryException(422, 42202, "The specified version '" + version + "' is not a valid version id. "
                + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    public static RegistryException invalidCompatibilityLevel() {
        return new RegistryException(422, 42203, "Invalid compatibility level. Valid values are none, backward, "
                + "forward, full, backward_transitive, forward_transitive, and full_transitive");
    }

    public static RegistryException invalidMode() {
        return new RegistryException(422, 42204, "Invalid mode. Valid values are READWRITE, READONLY, "
                + "READONLY_OVERRIDE and IMPORT.");
    }

    public static RegistryException notPermitted(String message) {
        return new RegistryException(422, 42205, message);
    }

    public static RegistryException referenceExists(String subject, int version) {
        return new RegistryException(422, 42206, "One or more references exist to the schema {magic=1,keytype=SCHEMA,"
                + "subject=" + subject + ",version=" + version + "}.");
    }

    public static RegistryException idDoesNotMatch(String message) {
        return new RegistryException(422, 42207, message);
    }

    public static RegistryException invalidSubject(String subject) {
        return new RegistryException(422, 42208, "The specified subject '" + subject + "' is not a valid.");
    }

    public static RegistryException schemaTooLarge(int bytes, int limit) {
        return new RegistryException(422, 42209, "Schema is too large: its record in the schemas topic would take "
                + bytes + " bytes or more, more than the " + limit + " a Kafka record may hold, so it can never be "
                + "registered");
    }

    public static RegistryException store(String message, Throwable cause) {
        return new RegistryException(500, 50001, message, cause);
    }

    public static RegistryException timeout(String message, Throwable cause) {
        return new RegistryException(500, 50002, message, cause);
    }
}
