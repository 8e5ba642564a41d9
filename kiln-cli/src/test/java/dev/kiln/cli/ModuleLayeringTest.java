package dev.kiln.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Enforces the module table of DESIGN.md: dependencies point downward only. Maven already
 * refuses an import of a module that is not on the classpath; this test also catches a
 * pom that grew a dependency the design does not allow.
 */
class ModuleLayeringTest {

    /** module → the Kiln modules it may use (itself implied). */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("content", Set.of()),
            Map.entry("apk", Set.of("content")),
            Map.entry("recipe", Set.of("apk", "content")),
            Map.entry("sandbox", Set.of("content")),
            Map.entry("attest", Set.of("content", "oci")),
            Map.entry("build", Set.of("recipe", "apk", "sandbox", "attest", "content")),
            Map.entry("oci", Set.of("content")),
            Map.entry("image", Set.of("apk", "oci", "attest", "content")),
            Map.entry("vuln", Set.of("apk", "oci", "attest", "content")),
            Map.entry("update", Set.of("recipe", "apk", "content")),
            Map.entry("registry", Set.of("oci", "content")),
            Map.entry("server", Set.of("content", "apk", "recipe", "sandbox", "attest", "build", "oci", "image",
                    "vuln", "update", "registry")),
            Map.entry("cli", Set.of("content", "apk", "recipe", "sandbox", "attest", "build", "oci", "image",
                    "vuln", "update", "registry", "server")));

    static final List<String> ALL_MODULES = List.of("content", "apk", "oci", "recipe", "attest", "sandbox",
            "build", "image", "vuln", "update", "registry", "server", "cli", "testkit");

    static JavaClasses classes;

    @BeforeAll
    static void importKiln() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.kiln");
    }

    @Test
    void everyModuleUsesOnlyTheModulesBelowIt() {
        checkLayering(classes);
    }

    @Test
    void theLayeringRuleCatchesAViolation() {
        JavaClasses withViolation = new ClassFileImporter().importClasses(dev.kiln.content.LayeringViolationFixture.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> checkLayering(withViolation))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("LayeringViolationFixture")
                .hasMessageContaining("dev.kiln.build.BuildException");
    }

    static void checkLayering(JavaClasses classes) {
        ALLOWED.forEach((module, allowed) -> {
            String[] forbidden = ALL_MODULES.stream()
                    .filter(m -> !m.equals(module) && !allowed.contains(m))
                    .map(m -> "dev.kiln." + m + "..")
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage("dev.kiln." + module + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                    .because("DESIGN.md allows " + module + " to use only " + allowed)
                    .allowEmptyShould(true)
                    .check(classes);
        });
    }

    @Test
    void noProductionCodeUsesTheTestKit() {
        noClasses().that().resideOutsideOfPackage("dev.kiln.testkit..")
                .should().dependOnClassesThat().resideInAPackage("dev.kiln.testkit..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void noJunkDrawerPackages() {
        noClasses().should().resideInAnyPackage("..util..", "..common..", "..misc..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void librariesNeverPrintOrExit() {
        String[] libraries = ALLOWED.keySet().stream().filter(m -> !m.equals("cli"))
                .map(m -> "dev.kiln." + m + "..").toArray(String[]::new);
        noClasses().that().resideInAnyPackage(libraries)
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .orShould().callMethod(System.class, "exit", int.class)
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void tableCoversEveryModulePresent() {
        Set<String> present = classes.stream()
                .map(c -> c.getPackageName().split("\\.")).filter(p -> p.length > 2)
                .map(p -> p[2]).collect(Collectors.toSet());
        org.assertj.core.api.Assertions.assertThat(ALL_MODULES).containsAll(present);
    }
}
