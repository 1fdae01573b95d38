package io.sluice.runtime.schemaregistry.compatibility;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;

/**
 * Decides whether a new Avro schema may follow earlier versions under a compatibility level, by Avro's schema
 * resolution rules (a reader schema can read a writer's data when every field it lacks in the writer has a
 * default, types are equal or promotable, enum symbols and union branches are covered, names or aliases match).
 * BACKWARD: the new schema reads data of the earlier ones; FORWARD: the earlier ones read the new schema's data;
 * FULL: both; transitive levels check every earlier version, the others only the latest.
 */
public final class CompatibilityChecker {

    private CompatibilityChecker() {
    }

    /** An earlier version the new schema is checked against. */
    public record Earlier(int version, Schema schema) {
    }

    /**
     * Why candidate cannot follow the earlier versions (oldest first) under level, in Confluent's verbose message
     * shape; empty when it can.
     */
    public static List<String> check(CompatibilityLevel level, Schema candidate, List<Earlier> earlier) {
        List<String> messages = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
            return messages;
        }
        List<Earlier> checked = new ArrayList<>(level.transitive ? earlier : earlier.subList(earlier.size() - 1, earlier.size()));
        java.util.Collections.reverse(checked); // newest first, as Confluent reports
        for (Earlier old : checked) {
            List<String> found = new ArrayList<>();
            if (level.backward) {
                found.addAll(describe(candidate, old.schema(), "new", "old"));
            }
            if (level.forward) {
                found.addAll(describe(old.schema(), candidate, "old", "new"));
            }
            if (!found.isEmpty()) {
                messages.addAll(found);
                messages.add("{oldSchemaVersion: " + old.version() + "}");
                messages.add("{oldSchema: '" + old.schema() + "'}");
                messages.add("{compatibility: '" + level.name() + "'}");
                break; // as Confluent: the first incompatible version is reported
            }
        }
        return messages;
    }

    /** Whether the reader schema can read what the writer schema wrote (no messages). */
    public static boolean canRead(Schema reader, Schema writer) {
        return describe(reader, writer, "reader", "writer").isEmpty();
    }

    private static List<String> describe(Schema reader, Schema writer, String readerName, String writerName) {
        return describe(reader, writer, readerName, writerName, "");
    }

    /** As Avro reports it, each location after prefix (the path of the union branch these schemas are). */
    private static List<String> describe(Schema reader, Schema writer, String readerName, String writerName,
                                         String prefix) {
        SchemaCompatibility.SchemaPairCompatibility pair;
        try {
            pair = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        } catch (RuntimeException e) {
            return List.of("{errorType:'UNEXPECTED', description:'The " + readerName + " schema could not be checked "
                    + "against the " + writerName + " schema: " + e.getMessage() + "'}");
        }
        if (pair.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        List<String> messages = new ArrayList<>();
        for (Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
            String location = prefix + incompatibility.getLocation();
            Schema writerBranch = writerBranch(incompatibility);
            Schema sameNamed = writerBranch == null ? null : sameNamedBranch(incompatibility.getReaderFragment(),
                    writerBranch);
            if (sameNamed != null) {
                // a nullable record (a CDC row, say) changed inside: Avro stops at "reader union lacking writer type:
                // RECORD" at the union; the record of the same name says which field (tryout17: a type change
                // reported at path '/1' only)
                List<String> inner = describe(sameNamed, writerBranch, readerName, writerName, location);
                if (!inner.isEmpty()) {
                    messages.addAll(inner);
                    continue;
                }
            }
            messages.add("{errorType:'" + incompatibility.getType() + "', description:'"
                    + description(incompatibility, location, fieldsAt(reader, incompatibility.getLocation()),
                    readerName, writerName) + "', additionalInfo:'"
                    + incompatibility.getMessage() + "'}");
        }
        return messages;
    }

    /**
     * " (field a.b)": the fields a location passes through, named from the reader schema Avro made it in, so a user
     * sees the column, not only '/1/fields/3/type' (tryout18); "" when the path cannot be followed.
     */
    private static String fieldsAt(Schema reader, String location) {
        List<String> names = new ArrayList<>();
        Schema at = reader;
        String[] steps = location.split("/");
        try {
            for (int i = 0; i < steps.length && at != null; i++) {
                String step = steps[i];
                if (step.isEmpty() || step.equals("type")) {
                    continue;
                }
                switch (at.getType()) {
                    case UNION -> at = at.getTypes().get(Integer.parseInt(step));
                    case RECORD -> {
                        if (step.equals("fields") && i + 1 < steps.length) {
                            Schema.Field field = at.getFields().get(Integer.parseInt(steps[++i]));
                            names.add(field.name());
                            at = field.schema();
                        } else {
                            at = null;
                        }
                    }
                    case ARRAY -> at = step.equals("items") ? at.getElementType() : null;
                    case MAP -> at = step.equals("values") ? at.getValueType() : null;
                    default -> at = null;
                }
            }
        } catch (RuntimeException e) {
            return ""; // a path Avro made over the writer's shape: no names rather than wrong ones
        }
        return names.isEmpty() ? "" : " (field " + String.join(".", names) + ")";
    }

    /**
     * For a union lacking a branch the writer has: that writer branch (Avro gives the whole writer union, the
     * branch's index last in the location), else null.
     */
    private static Schema writerBranch(Incompatibility i) {
        Schema writer = i.getWriterFragment();
        if (i.getType() != SchemaIncompatibilityType.MISSING_UNION_BRANCH || writer == null) {
            return null;
        }
        if (writer.getType() != Schema.Type.UNION) {
            return writer;
        }
        String location = i.getLocation();
        try {
            int index = Integer.parseInt(location.substring(location.lastIndexOf('/') + 1));
            return index >= 0 && index < writer.getTypes().size() ? writer.getTypes().get(index) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The reader union's branch of the writer's named type (same kind, same full name), if any. */
    private static Schema sameNamedBranch(Schema reader, Schema writer) {
        boolean named = writer.getType() == Schema.Type.RECORD || writer.getType() == Schema.Type.ENUM
                || writer.getType() == Schema.Type.FIXED;
        if (!named || reader == null || reader.getType() != Schema.Type.UNION) {
            return null;
        }
        for (Schema branch : reader.getTypes()) {
            if (branch.getType() == writer.getType() && branch.getFullName().equals(writer.getFullName())) {
                return branch;
            }
        }
        return null;
    }

    private static String description(Incompatibility i, String location, String fields, String reader,
                                      String writer) {
        String at = " at path '" + location + "'" + fields;
        return switch (i.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE -> "The field '" + i.getMessage() + "' at path '" + location
                    + "' in the " + reader + " schema has no default value and is missing in the " + writer + " schema";
            case NAME_MISMATCH -> "The name of the type" + at + " in the " + reader + " schema does not match the "
                    + writer + " schema (" + i.getMessage() + ")";
            case FIXED_SIZE_MISMATCH -> "The size of the fixed type" + at + " in the " + reader
                    + " schema does not match the " + writer + " schema (" + i.getMessage() + ")";
            case MISSING_ENUM_SYMBOLS -> "The " + reader + " schema is missing enum symbols " + i.getMessage() + at
                    + " that the " + writer + " schema has, and has no enum default";
            case MISSING_UNION_BRANCH -> "The " + reader + " schema is missing a type inside a union field" + at
                    + " that the " + writer + " schema has (" + i.getMessage() + ")";
            case TYPE_MISMATCH -> "The type" + at + " of the " + writer + " schema cannot be read as the type of the "
                    + reader + " schema (" + i.getMessage() + ")";
            default -> i.getType() + at + ": " + i.getMessage();
        };
    }
}
