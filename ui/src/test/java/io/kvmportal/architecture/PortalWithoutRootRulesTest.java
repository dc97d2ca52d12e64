package io.kvmportal.architecture;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The portal (ui and backend) runs as an unprivileged account and reaches the host only through the host agent:
 * it starts no process, has no part of kvm-host in it, calls native code only for the console's splice, and names
 * no host path (/proc, /dev/kvm, cgroups, the agent's guest and image directories). The first three are checked on
 * the compiled classes; the last on the sources, since ArchUnit does not see string constants.
 */
class PortalWithoutRootRulesTest {
    private static final JavaClasses ALL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.kvmportal");
    /** The host agent's side: kvm-host, and the protocol both ends share. Everything else is the portal. */
    private static final String[] AGENT_SIDE = {"io.kvmportal.host..", "io.kvmportal.agent.."};
    private static final List<Path> PORTAL_SOURCES = List.of(Path.of("src/main/java"),
            Path.of("../backend/src/main/java"));
    /** Host paths as they would be written to be opened: the whole literal is the path (or starts one). */
    private static final Pattern HOST_PATH = Pattern.compile("/(proc|sys|dev)(/[^\\s]*)?");
    /** The agent's data directory layout, built into a path. */
    private static final Pattern GUEST_DIRECTORY = Pattern.compile(
            "(resolve|Path\\.of|Paths\\.get|new File)\\([^;)]*\"(guests|images|incoming)\"");
    /**
     * Literals that look like a host path but are words on a page. Each is a file's name and the literal, with why.
     */
    private static final Set<String> WORDS_NOT_PATHS = Set.of(
            // the Host page's label of the line about the device; the agent reports it
            "HostView.java:/dev/kvm");

    private static final ArchRule NO_PROCESS = noClasses().that().resideInAPackage("io.kvmportal..")
            .and().resideOutsideOfPackages(AGENT_SIDE)
            .should().dependOnClassesThat().belongToAnyOf(ProcessBuilder.class, Process.class,
                    ProcessHandle.class, ProcessHandle.Info.class)
            .orShould().callMethodWhere(target(name("exec")).and(target(owner(runtime()))))
            .because("the portal runs unprivileged and asks the host agent for everything on the host");
    private static final ArchRule NO_KVM_HOST = noClasses().that().resideInAPackage("io.kvmportal..")
            .and().resideOutsideOfPackages(AGENT_SIDE)
            .should().dependOnClassesThat().resideInAPackage("io.kvmportal.host..")
            .because("kvm-host runs as root in the host agent; the portal reaches it through HostAgent only");
    private static final ArchRule NATIVE_ONLY_TO_SPLICE = noClasses().that().resideInAPackage("io.kvmportal..")
            .and().resideOutsideOfPackages(AGENT_SIDE).and().resideOutsideOfPackage("io.kvmportal.web.console")
            .should().dependOnClassesThat().resideInAPackage("jnr..")
            .because("the console's zero-copy relay (SpliceCalls) is the portal's one native code");

    @Test
    void thePortalStartsNoProcess() {
        NO_PROCESS.check(ALL);
    }

    @Test
    void thePortalHasNoPartOfKvmHost() {
        NO_KVM_HOST.check(ALL);
    }

    @Test
    void nativeCallsOfThePortalAreTheConsoleSpliceOnly() {
        NATIVE_ONLY_TO_SPLICE.check(ALL);
    }

    /** The rules themselves: each sees the offence it names, in a class of the portal's packages. */
    @Test
    void theRulesSeeTheirOffences() {
        JavaClasses offender = new ClassFileImporter().importClasses(Offender.class);
        String processes = String.join("\n", NO_PROCESS.evaluate(offender).getFailureReport().getDetails());
        for (String offence : List.of("Offender.start()", "Offender.exec()", "Offender.others()")) {
            assertTrue(processes.contains(offence), offence + " not seen in:\n" + processes);
        }
        assertTrue(NATIVE_ONLY_TO_SPLICE.evaluate(offender).hasViolation());
        assertFalse(NO_KVM_HOST.evaluate(offender).hasViolation());
    }

    @Test
    void thePortalSourcesNameNoHostPath() throws IOException {
        List<String> found = new ArrayList<>();
        int files = 0;
        for (Path root : PORTAL_SOURCES) {
            assertTrue(Files.isDirectory(root), "no sources at " + root.toAbsolutePath());
            try (Stream<Path> sources = Files.walk(root)) {
                for (Path source : sources.filter(path -> path.toString().endsWith(".java")).toList()) {
                    files++;
                    found.addAll(hostPaths(source));
                }
            }
        }
        assertTrue(files > 100, "read only " + files + " source files");
        assertEquals(List.of(), found, "the portal runs unprivileged and asks the host agent for host facts");
    }

    /** The scan itself: it must see paths in code and leave comments and sentences alone. */
    @Test
    void theScanFindsPathsInCodeOnly() {
        assertEquals(List.of("/proc/meminfo", "/sys/fs/cgroup", "/dev/kvm"), JavaLiterals.of("""
                // "/proc/self" in a comment
                /* "/dev/kvm" in another */
                String a = "/proc/meminfo"; String b = "it has no /dev/kvm entry"; char c = '"';
                String d = "/sys/fs/cgroup", e = "a \\" /proc"; String f = "/dev/kvm";
                """).stream().filter(literal -> HOST_PATH.matcher(literal).matches()).toList());
        assertTrue(GUEST_DIRECTORY.matcher("Path g = data.resolve(\"guests\");").find());
        assertTrue(GUEST_DIRECTORY.matcher("Path.of(dir, \"images\")").find());
        assertFalse(GUEST_DIRECTORY.matcher("grid.setId(\"guests\"); check(problems, \"guests\", n);").find());
    }

    private static List<String> hostPaths(Path source) throws IOException {
        String code = Files.readString(source);
        String file = source.getFileName().toString();
        List<String> found = new ArrayList<>();
        for (String literal : JavaLiterals.of(code)) {
            if (HOST_PATH.matcher(literal).matches() && !WORDS_NOT_PATHS.contains(file + ":" + literal)) {
                found.add(source + ": \"" + literal + "\"");
            }
        }
        GUEST_DIRECTORY.matcher(JavaLiterals.withoutComments(code)).results()
                .forEach(match -> found.add(source + ": " + match.group()));
        return found;
    }

    /** What the portal must not do: start a process two ways, look at other processes, call native code. */
    @SuppressWarnings("unused")
    private static final class Offender {
        void start() throws IOException {
            new ProcessBuilder("true").start();
        }

        void exec() throws IOException {
            Runtime.getRuntime().exec(new String[] {"true"});
        }

        long others() {
            return ProcessHandle.allProcesses().count();
        }

        int cpu() {
            return jnr.ffi.Platform.getNativePlatform().getCPU().ordinal();
        }
    }

    private static DescribedPredicate<JavaClass> runtime() {
        return DescribedPredicate.describe("java.lang.Runtime", type -> type.isEquivalentTo(Runtime.class));
    }
}
