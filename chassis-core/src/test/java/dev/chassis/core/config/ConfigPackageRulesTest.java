package dev.chassis.core.config;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ConfigPackageRulesTest {
    private static final JavaClasses CONFIG = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.chassis.core.config");

    @Test
    void dependsOnlyOnFoundationPackagesAndTheJdk() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                        "java..", "org.jspecify..", "dev.chassis.core", "dev.chassis.core.config..",
                        "dev.chassis.core.admin..")
                .check(CONFIG);
    }

    @Test
    void publicSignaturesUseOnlyJdkAndChassisTypes() {
        // given
        var offending = new ArrayList<String>();

        // when
        for (Class<?> type : List.of(Config.class, Config.Builder.class, ConfigKey.class, ConfigEntry.class,
                ConfigOrigin.class, ConfigProblem.class, ConfigProblem.Kind.class, ConfigException.class)) {
            for (var method : type.getDeclaredMethods()) {
                if (Modifier.isPublic(method.getModifiers())) {
                    Stream.concat(Stream.of(method.getReturnType()), Stream.of(method.getParameterTypes()))
                            .filter(used -> !allowed(used))
                            .forEach(used -> offending.add(type.getSimpleName() + "." + method.getName() + ": " + used));
                }
            }
        }

        // then
        assertThat(offending).isEmpty();
    }

    private static boolean allowed(Class<?> type) {
        Class<?> element = type.isArray() ? type.getComponentType() : type;
        String name = element.getName();
        return element.isPrimitive() || name.startsWith("java.") || name.startsWith("dev.chassis.");
    }
}
