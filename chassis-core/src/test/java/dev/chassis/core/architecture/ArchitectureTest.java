package dev.chassis.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the package structure that DESIGN.md and STYLE.md describe. */
class ArchitectureTest {
    private static final String ROOT = "dev.chassis.core";
    /** Feature packages build on the foundation and never on each other. */
    private static final List<String> FEATURES = List.of("resilience", "health", "bus", "saga", "inbox",
            "outbox", "eventsourcing");
    /** Foundation packages never depend on a feature package. */
    private static final List<String> FOUNDATION = List.of("envelope", "json", "context", "config", "admin",
            "lifecycle", "jdbc");
    /** Libraries whose types must not appear in public signatures, so they can be upgraded or replaced. */
    private static final Set<String> HIDDEN_LIBRARIES = Set.of("dev.failsafe", "com.fasterxml.jackson",
            "com.zaxxer.hikari", "com.sun.net.httpserver");

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void featurePackagesDoNotDependOnEachOther() {
        for (String feature : FEATURES) {
            String[] others = FEATURES.stream().filter(f -> !f.equals(feature))
                    .map(f -> ROOT + "." + f + "..").toArray(String[]::new);
            noClasses().that().resideInAPackage(ROOT + "." + feature + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .allowEmptyShould(true)
                    .check(CORE);
        }
    }

    @Test
    void foundationPackagesDoNotDependOnFeatures() {
        String[] features = FEATURES.stream().map(f -> ROOT + "." + f + "..").toArray(String[]::new);
        noClasses().that().resideInAnyPackage(FOUNDATION.stream().map(f -> ROOT + "." + f + "..").toArray(String[]::new))
                .should().dependOnClassesThat().resideInAnyPackage(features)
                .check(CORE);
    }

    @Test
    void publicApiKeepsThirdPartyTypesOutOfSignatures() {
        classes().that().arePublic().and().resideOutsideOfPackage("..internal..")
                .should(exposeNoHiddenLibraryTypes())
                .check(CORE);
    }

    private static ArchCondition<JavaClass> exposeNoHiddenLibraryTypes() {
        return new ArchCondition<>("expose no " + HIDDEN_LIBRARIES + " types in public or protected members") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                Stream<JavaCodeUnit> members = javaClass.getCodeUnits().stream()
                        .filter(m -> m.getModifiers().contains(JavaModifier.PUBLIC)
                                || m.getModifiers().contains(JavaModifier.PROTECTED));
                members.forEach(m -> {
                    Stream.concat(Stream.of(m.getRawReturnType()), m.getRawParameterTypes().stream())
                            .filter(t -> HIDDEN_LIBRARIES.stream().anyMatch(lib -> t.getName().startsWith(lib)))
                            .forEach(t -> events.add(SimpleConditionEvent.violated(m,
                                    m.getFullName() + " exposes " + t.getName())));
                });
            }
        };
    }
}
