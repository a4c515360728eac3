package dev.chassis.core.lifecycle;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class LifecycleDependenciesTest {
    // only the chassis's own classes matter here; resolving the JDK and libraries is slow
    static {
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
    }

    private static final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.chassis.core");

    @Test
    void lifecycleIsAFoundationPackageAndDependsOnNoFeatureOrAdminPackage() {
        noClasses().that().resideInAPackage("dev.chassis.core.lifecycle..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.chassis.core.health..", "dev.chassis.core.admin..")
                .check(classes);
    }

    @Test
    void adminServerKnowsNoFeaturePackage() {
        noClasses().that().resideInAPackage("dev.chassis.core.admin..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.chassis.core.health..", "dev.chassis.core.lifecycle..")
                .check(classes);
    }
}
