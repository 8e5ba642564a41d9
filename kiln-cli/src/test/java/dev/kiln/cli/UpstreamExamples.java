package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkPackage;
import dev.kiln.apk.ApkReader;
import dev.kiln.apk.TrustedKeys;
import dev.kiln.build.analysis.ElfFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * Helpers for the tests that build the example catalog, built from the pristine GNU hello 2.10 and BusyBox 1.35.0 release
 * tarballs (Debian's byte-identical "orig" copies, imported by checksum), offline, through
 * the CLI. The recipes' own tests run the binaries inside the sandbox.
 */
final class UpstreamExamples {
    static final Path ROOT =
            Path.of(System.getProperty("kiln.repo.root", "..")).toAbsolutePath().normalize();
    static Path sources;

    @BeforeAll
    static void fetchUpstreamTarballs() throws Exception {
        sources = ROOT.resolve("target/upstream-sources");
        if (!Files.exists(sources.resolve("hello_2.10.orig.tar.gz"))
                || !Files.exists(sources.resolve("busybox_1.35.0.orig.tar.bz2"))) {
            Assumptions.assumeTrue(
                    "root".equals(System.getProperty("user.name")),
                    "fetching upstream tarballs through apt needs root; run ../shared/scripts/upstream-source hello busybox -d target/upstream-sources");
            Process p = new ProcessBuilder(
                            "bash",
                            ROOT.resolve("../shared/scripts/upstream-source").toString(),
                            "hello",
                            "busybox",
                            "-d",
                            sources.toString())
                    .inheritIO()
                    .start();
            assertThat(p.waitFor()).as("upstream-source exit code").isZero();
        }
    }

    /** Reads the example packages back: signatures, checksums, and hardened static binaries. */
    static void verifyPackages(Path arch, Path publicKey, Path scratch) throws Exception {
        TrustedKeys keys = TrustedKeys.load(List.of(publicKey));
        for (String[] pkg :
                new String[][] {{"hello-2.10-r0.apk", "usr/bin/hello"}, {"busybox-1.35.0-r0.apk", "usr/bin/busybox"}}) {
            ApkPackage apk = ApkReader.read(arch.resolve(pkg[0]));
            apk.verify(keys);
            Path binary = scratch.resolve(pkg[0] + ".bin");
            Files.write(binary, apk.readFile(pkg[1]).orElseThrow());
            ElfFile elf = ElfFile.read(binary).orElseThrow();
            assertThat(elf.isPie()).as(pkg[1] + " PIE").isTrue();
            assertThat(elf.hasRelro()).as(pkg[1] + " RELRO").isTrue();
            assertThat(elf.hasBindNow()).as(pkg[1] + " BIND_NOW").isTrue();
            assertThat(elf.hasExecutableStack()).as(pkg[1] + " NX stack").isFalse();
            // static PIE until Kiln builds its own C library: nothing for an image to resolve
            assertThat(elf.isStatic()).as(pkg[1] + " static").isTrue();
            assertThat(apk.pkgInfo().depends()).noneMatch(d -> d.startsWith("so:"));
        }
        assertThat(arch.resolve("hello-doc-2.10-r0.apk")).exists();
        assertThat(arch.resolve("APKINDEX.tar.gz")).exists();
    }
}
