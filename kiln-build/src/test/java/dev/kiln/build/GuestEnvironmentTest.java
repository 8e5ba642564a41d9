package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hardening flags a step gets: from Kiln on the host toolchain, from the compiler's spec on Kiln's gcc. */
class GuestEnvironmentTest {
    private static final String[] FLAGS = {"CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS"};

    @TempDir
    Path root;

    @Test
    void aRootWithKilnsGccHardeningSpecGetsNoFlagsFromKiln() throws IOException {
        Path spec = root.resolve("usr/lib/gcc/x86_64-pc-linux-gnu/14/" + GuestEnvironment.HARDENING_SPEC);
        Files.createDirectories(spec.getParent());
        Files.writeString(spec, "*link:\n+ -z now\n");

        assertThat(GuestEnvironment.compilerHardens(root)).isTrue();
        Map<String, String> env = GuestEnvironment.forStep("x86_64", 0, true, Map.of(), Map.of());
        assertThat(env).doesNotContainKeys(FLAGS).containsEntry("SOURCE_DATE_EPOCH", "0");
    }

    @Test
    void aRecipeMayStillSetItsOwnFlagsOnKilnsGcc() {
        Map<String, String> env = GuestEnvironment.forStep("x86_64", 0, true, Map.of("CFLAGS", "-O3"), Map.of());

        assertThat(env).containsEntry("CFLAGS", "-O3").doesNotContainKeys("LDFLAGS");
    }

    @Test
    void withoutTheSpecTheHostAndOtherHermeticRootsKeepTheFlags() throws IOException {
        Files.createDirectories(root.resolve("usr/lib/gcc/x86_64-pc-linux-gnu/14"));
        Files.writeString(root.resolve("usr/lib/gcc/x86_64-pc-linux-gnu/14/specs"), "");

        assertThat(GuestEnvironment.compilerHardens(root)).isFalse();
        assertThat(GuestEnvironment.compilerHardens(root.resolve("nothing-here")))
                .isFalse();
        assertThat(GuestEnvironment.compilerHardens(null)).isFalse();
        Map<String, String> env = GuestEnvironment.forStep("x86_64", 0, false, Map.of(), Map.of());
        assertThat(env).containsKeys(FLAGS);
        assertThat(env.get("LDFLAGS")).contains("-z,now");
    }
}
