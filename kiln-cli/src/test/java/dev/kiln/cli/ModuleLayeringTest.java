package dev.kiln.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
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
            Map.entry("objects", Set.of()),
            Map.entry("registry", Set.of("objects", "oci", "content")),
            Map.entry(
                    "server",
                    Set.of(
                            "content",
                            "apk",
                            "recipe",
                            "sandbox",
                            "attest",
                            "build",
                            "oci",
                            "image",
                            "vuln",
                            "update",
                            "objects",
                            "registry")),
            Map.entry(
                    "cli",
                    Set.of(
                            "content",
                            "apk",
                            "recipe",
                            "sandbox",
                            "attest",
                            "build",
                            "oci",
                            "image",
                            "vuln",
                            "update",
                            "objects",
                            "registry",
                            "server")));

    static final List<String> ALL_MODULES = List.of(
            "content",
            "apk",
            "oci",
            "recipe",
            "attest",
            "sandbox",
            "build",
            "image",
            "vuln",
            "update",
            "objects",
            "registry",
            "server",
            "cli",
            "testkit");

    static JavaClasses kiln;

    @BeforeAll
    static void importKiln() {
        kiln = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.kiln");
    }

    @Test
    void everyModuleUsesOnlyTheModulesBelowIt() {
        checkLayering(kiln);
    }

    @Test
    void theLayeringRuleCatchesAViolation() {
        JavaClasses withViolation =
                new ClassFileImporter().importClasses(dev.kiln.content.LayeringViolationFixture.class);
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
            noClasses()
                    .that()
                    .resideInAPackage("dev.kiln." + module + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(forbidden)
                    .because("DESIGN.md allows " + module + " to use only " + allowed)
                    .allowEmptyShould(true)
                    .check(classes);
        });
    }

    @Test
    void noProductionCodeUsesTheTestKit() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.kiln.testkit..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.kiln.testkit..")
                .allowEmptyShould(true)
                .check(kiln);
    }

    @Test
    void noJunkDrawerPackages() {
        noClasses()
                .should()
                .resideInAnyPackage("..util..", "..common..", "..misc..")
                .allowEmptyShould(true)
                .check(kiln);
    }

    @Test
    void librariesNeverPrintOrExit() {
        String[] libraries = ALLOWED.keySet().stream()
                .filter(m -> !m.equals("cli"))
                .map(m -> "dev.kiln." + m + "..")
                .toArray(String[]::new);
        noClasses()
                .that()
                .resideInAnyPackage(libraries)
                .should()
                .accessField(System.class, "out")
                .orShould()
                .accessField(System.class, "err")
                .orShould()
                .callMethod(System.class, "exit", int.class)
                .allowEmptyShould(true)
                .check(kiln);
    }

    @Test
    void tableCoversEveryModulePresent() {
        Set<String> present = kiln.stream()
                .map(c -> c.getPackageName().split("\\."))
                .filter(p -> p.length > 2)
                .map(p -> p[2])
                .collect(Collectors.toSet());
        org.assertj.core.api.Assertions.assertThat(ALL_MODULES).containsAll(present);
    }

    /**
     * The Kubernetes client (fabric8) is large and changes its API between major releases (8.0 moved to
     * Jackson 3): only the runner's {@code internal} package may touch it, so an upgrade stays inside it.
     */
    @Test
    void onlyInternalPackagesUseTheKubernetesClient() {
        checkKubernetesClientConfined(kiln, "..internal..");
    }

    @Test
    void theKubernetesClientRuleCatchesAUseOutsideItsPackage() {
        JavaClasses runner = new ClassFileImporter()
                .importClasses(
                        dev.kiln.server.kubernetes.KubernetesRunner.class,
                        dev.kiln.server.kubernetes.internal.JobRunner.class);
        checkKubernetesClientConfined(runner, "..internal..");
        // The same classes with no package exempt: JobRunner's use of fabric8 must be reported.
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> checkKubernetesClientConfined(runner, "..no.such.package.."))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("JobRunner")
                .hasMessageContaining("io.fabric8")
                .hasMessageNotContaining("KubernetesRunner.");
    }

    static void checkKubernetesClientConfined(JavaClasses classes, String exempt) {
        noClasses()
                .that()
                .resideInAPackage("dev.kiln..")
                .and()
                .resideOutsideOfPackage(exempt)
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.fabric8..")
                .because("fabric8 types stay in dev.kiln.server.kubernetes.internal (README, Builds on Kubernetes)")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void publicSignaturesUseOnlyJdkAndKilnTypes() {
        checkPublicSignatures(kiln);
    }

    @Test
    void theSignatureRuleCatchesAViolationAndSparesInternalPackages() {
        JavaClasses fixtures = new ClassFileImporter()
                .importClasses(
                        dev.kiln.content.SignatureViolationFixture.class,
                        dev.kiln.content.internal.InternalJacksonFixture.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> checkPublicSignatures(fixtures))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("SignatureViolationFixture.tree(com.fasterxml.jackson.databind.JsonNode)")
                .hasMessageContaining("SignatureViolationFixture.node()")
                .hasMessageContaining("SignatureViolationFixture.nodes()")
                .hasMessageNotContaining("InternalJacksonFixture")
                .hasMessageNotContaining("hidden");
    }

    /**
     * A module's API (every public class outside its {@code internal} package) speaks in JDK and Kiln types
     * only, so that a library such as Jackson, SnakeYAML or Jetty can be replaced or upgraded without
     * breaking the module's users. Two modules are exempt: the test kit (test scope, made for tests) and the
     * CLI, whose API is picocli's command line itself and which no module builds on ({@code bench/} drives
     * {@code Kiln.newCommandLine()}).
     */
    static void checkPublicSignatures(JavaClasses classes) {
        classes()
                .that()
                .resideInAPackage("dev.kiln..")
                .and()
                .resideOutsideOfPackages("..internal..", "dev.kiln.testkit..", "dev.kiln.cli..")
                .and(EXPORTED)
                .should(exposeOnlyJdkAndKilnTypes())
                .because("a module's API speaks JDK and Kiln types (STYLE.md 10): move the member to the module's"
                        + " internal package, make it package-private, or give it a JDK or Kiln type")
                .allowEmptyShould(true)
                .check(classes);
    }

    /** Public, and every class around it public too: what a user of the module can name. */
    static final DescribedPredicate<JavaClass> EXPORTED = DescribedPredicate.describe("are exported", c -> {
        for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
            if (!k.getModifiers().contains(JavaModifier.PUBLIC) || k.isAnonymousClass() || k.isLocalClass()) {
                return false;
            }
        }
        return true;
    });

    static boolean isJdkOrKiln(JavaClass type) {
        JavaClass base = type.getBaseComponentType();
        String name = base.getName();
        return base.isPrimitive()
                || name.startsWith("java.")
                || name.startsWith("javax.")
                || name.startsWith("dev.kiln.");
    }

    static ArchCondition<JavaClass> exposeOnlyJdkAndKilnTypes() {
        return new ArchCondition<>("expose only JDK and Kiln types in public signatures") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                for (JavaMember member : c.getMembers()) {
                    Set<JavaModifier> mods = member.getModifiers();
                    if ((!mods.contains(JavaModifier.PUBLIC) && !mods.contains(JavaModifier.PROTECTED))
                            || mods.contains(JavaModifier.SYNTHETIC)) {
                        continue;
                    }
                    List<JavaType> exposed = new ArrayList<>();
                    if (member instanceof JavaCodeUnit code) {
                        exposed.add(code.getReturnType());
                        exposed.addAll(code.getParameterTypes());
                        exposed.addAll(code.getThrowsClause().getTypes());
                    } else {
                        exposed.add(((JavaField) member).getType());
                    }
                    exposed.stream()
                            .flatMap(t -> t.getAllInvolvedRawTypes().stream())
                            .filter(t -> !isJdkOrKiln(t))
                            .map(JavaClass::getName)
                            .distinct()
                            .forEach(t -> events.add(
                                    SimpleConditionEvent.violated(member, member.getFullName() + " exposes " + t)));
                }
                c.getRawSuperclass()
                        .filter(s -> !isJdkOrKiln(s))
                        .ifPresent(s ->
                                events.add(SimpleConditionEvent.violated(c, c.getName() + " extends " + s.getName())));
                c.getRawInterfaces().stream()
                        .filter(i -> !isJdkOrKiln(i))
                        .forEach(i -> events.add(
                                SimpleConditionEvent.violated(c, c.getName() + " implements " + i.getName())));
            }
        };
    }
}
