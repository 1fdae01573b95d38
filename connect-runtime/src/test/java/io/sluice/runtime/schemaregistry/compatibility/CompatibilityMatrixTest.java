package io.sluice.runtime.schemaregistry.compatibility;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility matrix. The expectations were written from the Avro specification's schema resolution rules
 * (a reader reads a writer's data when names match or the reader's aliases name the writer, types are equal or
 * promotable int→long→float→double and string↔bytes, every reader field missing from the writer has a default,
 * every writer enum symbol is in the reader or the reader has an enum default, every writer union branch matches a
 * reader branch) and Confluent's definitions of the levels (BACKWARD: the new schema reads data written with the
 * old; FORWARD: the old reads data written with the new; FULL: both; NONE: no check; _TRANSITIVE: against every
 * earlier version, else only the latest) before the checker was run, not taken from it.
 */
class CompatibilityMatrixTest {

    /** One schema change, old → new, with whether the new schema reads old data and the old reads new data. */
    record Change(String story, String oldSchema, String newSchema, boolean newReadsOld, boolean oldReadsNew) {
    }

    private static String rec(String fields) {
        return "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\",\"fields\":[" + fields + "]}";
    }

    private static String named(String name, String extra, String fields) {
        return "{\"type\":\"record\",\"name\":\"" + name + "\",\"namespace\":\"t\"" + extra + ",\"fields\":[" + fields + "]}";
    }

    private static String field(String name, String type) {
        return "{\"name\":\"" + name + "\",\"type\":" + type + "}";
    }

    private static String field(String name, String type, String defaultValue) {
        return "{\"name\":\"" + name + "\",\"type\":" + type + ",\"default\":" + defaultValue + "}";
    }

    private static String enumType(String symbols, String defaultSymbol) {
        return "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[" + symbols + "]"
                + (defaultSymbol == null ? "" : ",\"default\":\"" + defaultSymbol + "\"") + "}";
    }

    static final String A_INT = field("a", "\"int\"");

    /** The expectation table: 36 changes, each checked under all seven levels below. */
    static final List<Change> CHANGES = List.of(
            new Change("identical schema", rec(A_INT), rec(A_INT), true, true),
            new Change("add a field with a default", rec(A_INT), rec(A_INT + "," + field("b", "\"string\"", "\"x\"")), true, true),
            new Change("add a field without a default", rec(A_INT), rec(A_INT + "," + field("b", "\"string\"")), false, true),
            new Change("add an optional field with a null default", rec(A_INT),
                    rec(A_INT + "," + field("b", "[\"null\",\"string\"]", "null")), true, true),
            new Change("remove a field that had a default", rec(A_INT + "," + field("b", "\"string\"", "\"x\"")), rec(A_INT), true, true),
            new Change("remove a field without a default", rec(A_INT + "," + field("b", "\"string\"")), rec(A_INT), true, false),
            new Change("promote int to long", rec(A_INT), rec(field("a", "\"long\"")), true, false),
            new Change("narrow long to int", rec(field("a", "\"long\"")), rec(A_INT), false, true),
            new Change("promote int to float", rec(A_INT), rec(field("a", "\"float\"")), true, false),
            new Change("promote int to double", rec(A_INT), rec(field("a", "\"double\"")), true, false),
            new Change("promote long to double", rec(field("a", "\"long\"")), rec(field("a", "\"double\"")), true, false),
            new Change("promote float to double", rec(field("a", "\"float\"")), rec(field("a", "\"double\"")), true, false),
            new Change("narrow double to float", rec(field("a", "\"double\"")), rec(field("a", "\"float\"")), false, true),
            new Change("string to bytes", rec(field("a", "\"string\"")), rec(field("a", "\"bytes\"")), true, true),
            new Change("bytes to string", rec(field("a", "\"bytes\"")), rec(field("a", "\"string\"")), true, true),
            new Change("int to string", rec(A_INT), rec(field("a", "\"string\"")), false, false),
            new Change("add an enum symbol", rec(field("e", enumType("\"A\",\"B\"", null))),
                    rec(field("e", enumType("\"A\",\"B\",\"C\"", null))), true, false),
            new Change("add an enum symbol when the old enum has a default", rec(field("e", enumType("\"A\",\"B\"", "A"))),
                    rec(field("e", enumType("\"A\",\"B\",\"C\"", "A"))), true, true),
            new Change("remove an enum symbol", rec(field("e", enumType("\"A\",\"B\"", null))),
                    rec(field("e", enumType("\"A\"", null))), false, true),
            new Change("remove an enum symbol when the new enum has a default", rec(field("e", enumType("\"A\",\"B\"", null))),
                    rec(field("e", enumType("\"A\"", "A"))), true, true),
            new Change("make a field optional", rec(field("a", "\"string\"")),
                    rec(field("a", "[\"null\",\"string\"]", "null")), true, false),
            new Change("make an optional field required", rec(field("a", "[\"null\",\"string\"]", "null")),
                    rec(field("a", "\"string\"")), false, true),
            new Change("add a union branch", rec(field("a", "[\"null\",\"string\"]")),
                    rec(field("a", "[\"null\",\"string\",\"int\"]")), true, false),
            new Change("remove a union branch", rec(field("a", "[\"null\",\"string\",\"int\"]")),
                    rec(field("a", "[\"null\",\"string\"]")), false, true),
            new Change("rename a field keeping the old name as an alias", rec(A_INT),
                    rec("{\"name\":\"b\",\"type\":\"int\",\"aliases\":[\"a\"]}"), true, false),
            new Change("rename a field without an alias", rec(A_INT), rec(field("b", "\"int\"")), false, false),
            new Change("rename the record keeping the old name as an alias", named("R", "", A_INT),
                    named("S", ",\"aliases\":[\"t.R\"]", A_INT), true, false),
            new Change("rename the record without an alias", named("R", "", A_INT), named("S", "", A_INT), false, false),
            new Change("add a field with a default to a nested record",
                    rec(field("n", named("N", "", A_INT))),
                    rec(field("n", named("N", "", A_INT + "," + field("b", "\"long\"", "0")))), true, true),
            new Change("add a field without a default to a nested record",
                    rec(field("n", named("N", "", A_INT))),
                    rec(field("n", named("N", "", A_INT + "," + field("b", "\"long\"")))), false, true),
            new Change("promote array items int to long", rec(field("a", "{\"type\":\"array\",\"items\":\"int\"}")),
                    rec(field("a", "{\"type\":\"array\",\"items\":\"long\"}")), true, false),
            new Change("promote map values int to double", rec(field("a", "{\"type\":\"map\",\"values\":\"int\"}")),
                    rec(field("a", "{\"type\":\"map\",\"values\":\"double\"}")), true, false),
            new Change("change a fixed size", rec(field("f", "{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}")),
                    rec(field("f", "{\"type\":\"fixed\",\"name\":\"F\",\"size\":8}")), false, false),
            new Change("replace a record by a string", rec(A_INT), "\"string\"", false, false),
            new Change("change a field's default and doc", rec(field("b", "\"string\"", "\"x\"")),
                    rec("{\"name\":\"b\",\"type\":\"string\",\"default\":\"y\",\"doc\":\"the b\"}"), true, true),
            new Change("reorder fields", rec(A_INT + "," + field("b", "\"string\"")), rec(field("b", "\"string\"") + "," + A_INT),
                    true, true));

    static Stream<Arguments> pairs() {
        List<Arguments> cases = new ArrayList<>();
        for (Change change : CHANGES) {
            for (CompatibilityLevel level : CompatibilityLevel.values()) {
                boolean expected = switch (level) {
                    case NONE -> true;
                    case BACKWARD, BACKWARD_TRANSITIVE -> change.newReadsOld();
                    case FORWARD, FORWARD_TRANSITIVE -> change.oldReadsNew();
                    case FULL, FULL_TRANSITIVE -> change.newReadsOld() && change.oldReadsNew();
                };
                cases.add(Arguments.of(change.story(), level, List.of(change.oldSchema()), change.newSchema(), expected));
            }
        }
        return cases.stream();
    }

    /** Three versions: v1 and v2 registered, v3 checked; expected answers per level, in CompatibilityLevel order. */
    record History(String story, String v1, String v2, String v3, boolean none, boolean backward, boolean backwardTransitive,
                   boolean forward, boolean forwardTransitive, boolean full, boolean fullTransitive) {
    }

    static final List<History> HISTORIES = List.of(
            // v3 drops b's default: it reads v2's data (b present) but not v1's (no b)
            new History("a default removed after the field was added", rec(A_INT),
                    rec(A_INT + "," + field("b", "\"string\"", "\"x\"")), rec(A_INT + "," + field("b", "\"string\"")),
                    true, true, false, true, true, true, false),
            // v3 drops b: v2 (b has a default) reads it, v1 (b required) does not
            new History("a field removed after it got a default", rec(A_INT + "," + field("b", "\"string\"")),
                    rec(A_INT + "," + field("b", "\"string\"", "\"x\"")), rec(A_INT),
                    true, true, true, true, false, true, false),
            new History("fields added with defaults, one per version", rec(A_INT),
                    rec(A_INT + "," + field("b", "\"string\"", "\"x\"")),
                    rec(A_INT + "," + field("b", "\"string\"", "\"x\"") + "," + field("c", "\"long\"", "1")),
                    true, true, true, true, true, true, true),
            // int → long → float: float reads long and int; neither older reader reads float
            new History("a promotion chain", rec(A_INT), rec(field("a", "\"long\"")), rec(field("a", "\"float\"")),
                    true, true, true, false, false, false, false),
            // v3 narrows back to int: it cannot read v2's longs
            new History("narrowed back after a promotion", rec(A_INT), rec(field("a", "\"long\"")), rec(A_INT),
                    true, false, false, true, true, false, false),
            // v3 = {A, C} with default A: reads B as A; v2 {A,B,C} reads v3; v1 {A,B} cannot read C
            new History("an enum symbol replaced under an enum default", rec(field("e", enumType("\"A\",\"B\"", null))),
                    rec(field("e", enumType("\"A\",\"B\",\"C\"", null))), rec(field("e", enumType("\"A\",\"C\"", "A"))),
                    true, true, true, true, false, true, false),
            // v1 required, v2 optional, v3 required again: v3 cannot read v2's nulls; v2 reads v3, v1 reads v3
            new History("optional and back to required", rec(field("a", "\"string\"")),
                    rec(field("a", "[\"null\",\"string\"]", "null")), rec(field("a", "\"string\"")),
                    true, false, false, true, true, false, false));

    static Stream<Arguments> histories() {
        List<Arguments> cases = new ArrayList<>();
        for (History h : HISTORIES) {
            boolean[] expected = {h.none(), h.backward(), h.backwardTransitive(), h.forward(), h.forwardTransitive(),
                    h.full(), h.fullTransitive()};
            for (CompatibilityLevel level : CompatibilityLevel.values()) {
                cases.add(Arguments.of(h.story(), level, List.of(h.v1(), h.v2()), h.v3(), expected[level.ordinal()]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} under {1}: {4}")
    @MethodSource("pairs")
    void aChangeFromOneVersionIsAcceptedExactlyWhenTheLevelsDirectionsAllowIt(String story, CompatibilityLevel level,
                                                                               List<String> earlier, String candidate,
                                                                               boolean expected) {
        assertVerdict(level, earlier, candidate, expected);
    }

    @ParameterizedTest(name = "{0} under {1}: {4}")
    @MethodSource("histories")
    void transitiveLevelsCheckEveryEarlierVersionAndTheOthersOnlyTheLatest(String story, CompatibilityLevel level,
                                                                          List<String> earlier, String candidate,
                                                                          boolean expected) {
        assertVerdict(level, earlier, candidate, expected);
    }

    @Test
    void aFieldChangedInsideANullableRecordIsReportedAtTheFieldNotAtTheUnion() {
        // tryout17: a CDC row (a nullable record) whose column went int -> text was refused with only
        // "MISSING_UNION_BRANCH at path '/1' (reader union lacking writer type: RECORD)", naming no column
        Schema old = new Schema.Parser().parse("[\"null\"," + rec(field("id", "\"int\"") + ","
                + field("customer", "\"int\"")) + "]");
        Schema changed = new Schema.Parser().parse("[\"null\"," + rec(field("id", "\"int\"") + ","
                + field("customer", "\"string\"")) + "]");
        List<String> problems = CompatibilityChecker.check(CompatibilityLevel.BACKWARD, changed,
                List.of(new CompatibilityChecker.Earlier(1, old)));
        assertTrue(problems.get(0).contains("TYPE_MISMATCH")
                && problems.get(0).contains("'/1/fields/1/type' (field customer)"), problems.toString());
        assertFalse(problems.toString().contains("MISSING_UNION_BRANCH"), problems.toString());
        // a union that really lacks the branch still says so
        List<String> lacking = CompatibilityChecker.check(CompatibilityLevel.BACKWARD,
                new Schema.Parser().parse("[\"null\",\"string\"]"),
                List.of(new CompatibilityChecker.Earlier(1, new Schema.Parser().parse("[\"null\",\"int\"]"))));
        assertTrue(lacking.get(0).contains("MISSING_UNION_BRANCH"), lacking.toString());
    }

    private static void assertVerdict(CompatibilityLevel level, List<String> earlier, String candidate, boolean expected) {
        List<CompatibilityChecker.Earlier> versions = new ArrayList<>();
        for (int i = 0; i < earlier.size(); i++) {
            versions.add(new CompatibilityChecker.Earlier(i + 1, new Schema.Parser().parse(earlier.get(i))));
        }
        List<String> problems = CompatibilityChecker.check(level, new Schema.Parser().parse(candidate), versions);
        assertEquals(expected, problems.isEmpty(), "problems: " + problems);
    }
}
