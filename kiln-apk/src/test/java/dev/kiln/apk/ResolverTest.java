package dev.kiln.apk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResolverTest {
    private static int serial;

    static RepositoryPackage pkg(String name, String version, List<String> depends, List<String> provides) {
        String checksum = "Q1" + String.format("%027d", ++serial) + "=";
        return new RepositoryPackage(
                new IndexEntry(
                        checksum, name, version, "x86_64", 1, 1, "", "", "MIT", name, null, 0, null, null, depends,
                        provides, List.of()),
                "repo",
                0);
    }

    private static final List<RepositoryPackage> REPO = List.of(
            pkg("build-base", "1-r0", List.of("gcc", "make"), List.of()),
            pkg("gcc", "13-r0", List.of("binutils", "so:libc.so.6"), List.of()),
            pkg("gcc", "14-r0", List.of("binutils", "so:libc.so.6"), List.of()),
            pkg("binutils", "2.42-r0", List.of("so:libc.so.6"), List.of()),
            pkg("glibc", "2.40-r0", List.of(), List.of("so:libc.so.6=6")),
            pkg("make", "4.4-r0", List.of("so:libc.so.6", "so:libguile.so.3"), List.of()));

    @Test
    void strictResolutionNamesTheChainToAMissingName() {
        Resolver r = new Resolver(REPO, "x86_64", List.of("repo"));
        assertThatThrownBy(() -> r.resolve(List.of("build-base")))
                .isInstanceOf(ResolveException.class)
                .hasMessage("build-base → make → so:libguile.so.3: no package provides it for x86_64 in [repo]");
        assertThat(r.resolve(List.of("gcc<14")))
                .extracting(RepositoryPackage::toString)
                .containsExactly("glibc-2.40-r0", "binutils-2.42-r0", "gcc-13-r0");
    }

    @Test
    void availableResolutionKeepsGoingAndTellsWhyEachPackageIsThere() {
        Resolver r = new Resolver(REPO, "x86_64", List.of("repo"));
        Resolver.Resolution res = r.resolveAvailable(List.of("build-base", "nope"));
        assertThat(res.packages())
                .extracting(RepositoryPackage::toString)
                .containsExactly("glibc-2.40-r0", "binutils-2.42-r0", "gcc-14-r0", "make-4.4-r0", "build-base-1-r0");
        assertThat(res.unresolved()).extracting(Resolver.Unresolved::atom).containsExactly("nope", "so:libguile.so.3");
        assertThat(res.unresolved().get(1).chain()).containsExactly("build-base", "make");
        RepositoryPackage glibc = res.packages().get(0);
        assertThat(res.chainTo(glibc))
                .extracting(p -> (p.parent() == null ? "world" : p.parent().name()) + ":" + p.atom())
                .containsExactly("world:build-base", "build-base:gcc", "gcc:so:libc.so.6");
    }
}
