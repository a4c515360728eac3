package dev.chassis.core.resilience;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResilienceArchitectureTest {
    private static final JavaClasses RESILIENCE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.chassis.core.resilience");

    @Test
    void dependsOnlyOnFoundationPackagesAndItsLibraries() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                        "dev.chassis.core", "dev.chassis.core.resilience..", "dev.chassis.core.admin..",
                        "dev.chassis.core.json..", "java..", "dev.failsafe..", "org.slf4j..", "org.jspecify..",
                        "io.opentelemetry.api..", "io.opentelemetry.context..")
                .check(RESILIENCE);
    }

    @Test
    void noFailsafeTypeAppearsInThePublicApi() {
        // given
        List<String> leaks = new ArrayList<>();

        // when
        RESILIENCE.stream()
                .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC))
                .map(c -> c.reflect())
                .forEach(type -> {
                    for (Method method : type.getDeclaredMethods()) {
                        if (Modifier.isPublic(method.getModifiers()) && method.toGenericString().contains("dev.failsafe")) {
                            leaks.add(method.toGenericString());
                        }
                    }
                    for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                        if (Modifier.isPublic(constructor.getModifiers())
                                && constructor.toGenericString().contains("dev.failsafe")) {
                            leaks.add(constructor.toGenericString());
                        }
                    }
                    for (Field field : type.getDeclaredFields()) {
                        if (Modifier.isPublic(field.getModifiers()) && field.toGenericString().contains("dev.failsafe")) {
                            leaks.add(field.toGenericString());
                        }
                    }
                    if (type.getGenericSuperclass() != null && type.getGenericSuperclass().getTypeName().contains("dev.failsafe")) {
                        leaks.add(type.getName() + " extends " + type.getGenericSuperclass());
                    }
                });

        // then
        assertThat(RESILIENCE.stream().filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC))).isNotEmpty();
        assertThat(leaks).isEmpty();
    }

    @Test
    void implementationClassesStayPackagePrivate() {
        classes().that().haveSimpleNameStartingWith("Default").or().haveSimpleNameStartingWith("Guard")
                .should().notBePublic()
                .check(RESILIENCE);
    }
}
