package io.sluice.runtime.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The one layout of a connector module (ARCHITECTURE.md): the source connector and its parts in source/, the sink
 * in sink/, what both use in the root package (and shared packages such as format/ or dialect/). The root never
 * reaches into source/ or sink/, and they never reach into each other, so the module has no import cycle.
 */
public final class ConnectorLayout {
    private ConnectorLayout() {
    }

    /** Fails naming each import that breaks the layout under root, e.g. "io.sluice.s3". */
    public static void check(String root) {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(root);
        String source = root + ".source..";
        String sink = root + ".sink..";
        noClasses().that().resideInAPackage(root + "..").and().resideOutsideOfPackages(source, sink)
                .should().dependOnClassesThat().resideInAnyPackage(source, sink)
                .because("the shared root is below source/ and sink/")
                .allowEmptyShould(true)
                .check(classes);
        noClasses().that().resideInAPackage(source).should().dependOnClassesThat().resideInAPackage(sink)
                .because("what source/ and sink/ share lives in the root")
                .allowEmptyShould(true)
                .check(classes);
        noClasses().that().resideInAPackage(sink).should().dependOnClassesThat().resideInAPackage(source)
                .because("what source/ and sink/ share lives in the root")
                .allowEmptyShould(true)
                .check(classes);
    }
}
