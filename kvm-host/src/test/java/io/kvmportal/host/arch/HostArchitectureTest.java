package io.kvmportal.host.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import org.junit.jupiter.api.Test;

/**
 * kvm-host stays a plain library beneath its agent, and processes start only from argument lists. The agent package
 * alone speaks the portal's contract (io.kvmportal.agent) and its transport (gRPC): the rest of kvm-host knows neither.
 */
class HostArchitectureTest {
    private static final JavaClasses HOST = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kvmportal.host");

    @Test
    void noWebFrameworks() {
        ArchRule rule = noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("io.micronaut..", "com.vaadin..", "jakarta..", "javax.inject..");
        rule.check(HOST);
    }

    @Test
    void noRuntimeExecSoNoShellStrings() {
        ArchRule rule = noClasses().should().callMethodWhere(
                DescribedPredicate.describe("Runtime.exec",
                        call -> call.getTarget().getOwner().isEquivalentTo(Runtime.class)
                                && call.getTarget().getName().equals("exec")));
        rule.check(HOST);
    }

    @Test
    void nativeBindingsStayInTheKvmPackage() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage("io.kvmportal.host.kvm")
                .should().dependOnClassesThat().resideInAnyPackage("jnr..");
        rule.check(HOST);
    }

    @Test
    void onlyTheAgentPackageSpeaksTheContract() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage("io.kvmportal.host.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("io.kvmportal.agent..");
        rule.check(HOST);
    }

    @Test
    void grpcOnlyInTheAgentPackage() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage("io.kvmportal.host.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "com.google.protobuf..");
        rule.check(HOST);
    }
}
