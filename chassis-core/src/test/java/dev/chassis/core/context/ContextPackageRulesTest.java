package dev.chassis.core.context;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ContextPackageRulesTest {
    private static final JavaClasses CONTEXT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.chassis.core.context");

    @Test
    void isAFoundationPackageDependingOnNoOtherChassisPackage() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                        "java..", "org.jspecify..", "org.slf4j..", "dev.chassis.core.context..")
                .check(CONTEXT);
    }

    @Test
    void onlyTheScopeStackHoldsAThreadLocal() {
        noClasses().that().doNotHaveFullyQualifiedName(ScopeStack.class.getName())
                .and().haveNameNotMatching(ScopeStack.class.getName().replace(".", "\\.") + "\\$.*")
                .should().dependOnClassesThat().areAssignableTo(ThreadLocal.class)
                .check(CONTEXT);
    }

    @Test
    void publicSignaturesUseOnlyJdkAndChassisTypes() {
        // given
        var offending = new ArrayList<String>();

        // when
        for (Class<?> type : List.of(CorrelationContext.class, CorrelationId.class, CorrelationScope.class)) {
            for (var method : type.getDeclaredMethods()) {
                if (Modifier.isPublic(method.getModifiers())) {
                    Stream.concat(Stream.of(method.getReturnType()), Stream.of(method.getParameterTypes()))
                            .filter(used -> !used.isPrimitive() && !used.getName().startsWith("java.")
                                    && !used.getName().startsWith("dev.chassis."))
                            .forEach(used -> offending.add(type.getSimpleName() + "." + method.getName() + ": " + used));
                }
            }
        }

        // then
        assertThat(offending).isEmpty();
    }
}
