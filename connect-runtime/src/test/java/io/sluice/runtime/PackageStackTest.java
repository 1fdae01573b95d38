package io.sluice.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runtime's rooms form one stack (ARCHITECTURE.md): a class may use its own room, rooms beside it and rooms
 * below it, never a room above. Read from the compiled classes, so a fully qualified name counts like an import.
 */
class PackageStackTest {
    private static final String ROOT = "io.sluice.runtime";

    /** Top to bottom; the rooms in one row sit beside each other. */
    static final List<List<String>> STACK = List.of(
            List.of("cli.."),
            List.of("rest..", "distributed..", "schemaregistry.api.."),
            // topic peek/produce for the REST API and the console: reads connector configs through the herder
            List.of("topics.."),
            // the schema registry's core is a control plane of its own, beside the herder (it forwards writes as
            // the herder does); its compatibility rules are pure schema logic the Avro converter uses too
            List.of("herder..", "schemaregistry", "schemaregistry.storage.."),
            List.of("worker.."),
            List.of("metrics.."),
            List.of("storage.."),
            List.of("config.."),
            List.of("plugins.."),
            // model: the plain values every room speaks of (a task's id, observed and requested states); it uses nothing
            List.of("converters..", "kafka..", "schemaregistry.compatibility..", "model.."));

    private static JavaClasses runtime;

    @BeforeAll
    static void importRuntime() {
        runtime = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void noImportRunsBackUpTheStack() {
        for (int row = 1; row < STACK.size(); row++) {
            List<String> above = new ArrayList<>();
            STACK.subList(0, row).forEach(rooms -> above.addAll(packages(rooms)));
            noClasses().that().resideInAnyPackage(packages(STACK.get(row)).toArray(String[]::new))
                    .should().dependOnClassesThat().resideInAnyPackage(above.toArray(String[]::new))
                    .because("a room uses only the rooms beside and below it (ARCHITECTURE.md)")
                    .check(runtime);
        }
    }

    @Test
    void everyRuntimePackageHasARoomInTheStack() {
        List<String> rooms = STACK.stream().flatMap(List::stream).toList();
        classes().that().resideInAPackage(ROOT + "..")
                .should().resideInAnyPackage(packages(rooms).toArray(String[]::new))
                .because("a new package takes its place in STACK, or no rule checks it")
                .check(runtime);
    }

    private static List<String> packages(List<String> rooms) {
        return rooms.stream().map(room -> ROOT + "." + room).toList();
    }
}
