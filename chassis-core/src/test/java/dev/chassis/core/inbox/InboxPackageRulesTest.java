package dev.chassis.core.inbox;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class InboxPackageRulesTest {
    private static final JavaClasses INBOX = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.chassis.core.inbox");

    @Test
    void isAFeaturePackageBuildingOnlyOnTheFoundation() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.jspecify..",
                        "dev.chassis.core", "dev.chassis.core.inbox..", "dev.chassis.core.envelope..",
                        "dev.chassis.core.json..", "dev.chassis.core.context..", "dev.chassis.core.config..",
                        "dev.chassis.core.admin..", "dev.chassis.core.lifecycle..", "dev.chassis.core.jdbc..")
                .check(INBOX);
    }

    @Test
    void theSpiIsThreeSmallInterfaces() {
        // given
        List<Class<?>> types = List.of(InboxStore.class, InboxTransaction.class, InboxWork.class);

        // then
        assertThat(types).allSatisfy(t -> assertThat(t.isInterface()).isTrue());
        assertThat(types).allSatisfy(t -> assertThat(Arrays.stream(t.getDeclaredMethods())
                .filter(m -> Modifier.isAbstract(m.getModifiers())).count()).isLessThanOrEqualTo(3));
        assertThat(INBOX.stream().filter(c -> c.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC)))
                .hasSize(3);
    }
}
