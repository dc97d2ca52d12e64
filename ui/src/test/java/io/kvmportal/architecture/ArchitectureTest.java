package io.kvmportal.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The module direction ui -> backend -> agent-api <- kvm-host, checked on the compiled classes of all of them:
 * kvm-host is plain Java, and no lower layer reaches up into a higher one.
 */
class ArchitectureTest {
    private static final JavaClasses PORTAL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // backend's test helpers come as a test-jar, which the predefined option does not recognise
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.kvmportal");
    private static final String[] WEB_LAYER = {"io.kvmportal.ui..", "io.kvmportal.web.."};

    /**
     * kvm-host is plain Java: no Micronaut, Vaadin, Jakarta or Jetty, and nothing of the layers above it; it serves
     * the agent's interface (agent-api), which it may use.
     */
    @Test
    void kvmHostIsPlainJavaAndKnowsNothingOfThePortal() {
        classes().that().resideInAPackage("io.kvmportal.host..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.kvmportal.host..", "io.kvmportal.agent..",
                        "java..", "jdk..", "jnr..", "org.slf4j..", "com.fasterxml.jackson..")
                .check(PORTAL);
    }

    @Test
    void backendKnowsNothingOfTheWebLayer() {
        noClasses().that().resideInAPackage("io.kvmportal..")
                .and().resideOutsideOfPackages(WEB_LAYER)
                .should().dependOnClassesThat().resideInAnyPackage(WEB_LAYER)
                .orShould().dependOnClassesThat().resideInAnyPackage("com.vaadin..", "org.eclipse.jetty..",
                        "jakarta.servlet..")
                .check(PORTAL);
    }

    /** Features may use each other one way only: account uses audit, auth uses account, never back. */
    @Test
    void featuresAreFreeOfCycles() {
        slices().matching("io.kvmportal.(*)..").should().beFreeOfCycles().check(PORTAL);
    }
}
