package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkPackage;
import dev.kiln.apk.ApkReader;
import dev.kiln.apk.SigningKey;
import dev.kiln.apk.TrustedKeys;
import dev.kiln.build.analysis.ElfFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example catalog, built from the pristine GNU hello 2.10 and BusyBox 1.35.0 release
 * tarballs (Debian's byte-identical "orig" copies, imported by checksum), offline, through
 * the CLI. The recipes' own tests run the binaries inside the sandbox.
 */
class RealUpstreamBuildTest {
    static final Path ROOT = Path.of(System.getProperty("kiln.repo.root", "..")).toAbsolutePath().normalize();
    static Path sources;

    @BeforeAll
    static void fetchUpstreamTarballs() throws Exception {
        sources = ROOT.resolve("target/upstream-sources");
        if (!Files.exists(sources.resolve("hello_2.10.orig.tar.gz")) || !Files.exists(sources.resolve("busybox_1.35.0.orig.tar.bz2"))) {
            Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                    "fetching upstream tarballs through apt needs root; run ../shared/scripts/upstream-source hello busybox -d target/upstream-sources");
            Process p = new ProcessBuilder("bash", ROOT.resolve("../shared/scripts/upstream-source").toString(),
                    "hello", "busybox", "-d", sources.toString()).inheritIO().start();
            assertThat(p.waitFor()).as("upstream-source exit code").isZero();
        }
    }

    @Test
    void buildsHelloAndBusyboxFromUpstreamOffline(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        Path repo = dir.resolve("packages");
        Path key = dir.resolve("ci.rsa");
        assertThat(CliRun.of("keygen", key.toString(), "--bits", "2048").exitCode()).isZero();

        List<String> tarballs;
        try (Stream<Path> s = Files.list(sources)) {
            tarballs = s.filter(p -> p.getFileName().toString().contains(".orig.tar.")).map(Path::toString).sorted().toList();
        }
        CliRun imported = CliRun.of(Stream.concat(Stream.of("source", "import", "--cache-dir", state.resolve("cache").toString()),
                tarballs.stream()).toArray(String[]::new));
        assertThat(imported.exitCode()).isZero();
        assertThat(imported.out()).contains("31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b")
                .contains("faeeb244c35a348a334f4a59e44626ee870fb07b6884d68c10ae8bc19f83a694");

        CliRun build = CliRun.of("build", ROOT.resolve("examples/recipes/hello.yaml").toString(),
                ROOT.resolve("examples/recipes/busybox.yaml").toString(), "--offline", "--state-dir", state.toString(),
                "--out-dir", repo.toString(), "--signing-key", key.toString(), "--json");
        assertThat(build.exitCode()).as(build.out() + build.err()).isZero();
        assertThat(build.out()).contains("\"event\":\"package\"").contains("\"hardeningPassed\":true")
                .doesNotContain("\"hardeningPassed\":false");

        TrustedKeys keys = TrustedKeys.load(List.of(dir.resolve("ci.rsa.pub")));
        Path arch = repo.resolve(Defaults.hostArch());
        for (String[] pkg : new String[][] {{"hello-2.10-r0.apk", "usr/bin/hello"}, {"busybox-1.35.0-r0.apk", "usr/bin/busybox"}}) {
            ApkPackage apk = ApkReader.read(arch.resolve(pkg[0]));
            apk.verify(keys);
            Path binary = dir.resolve(pkg[0] + ".bin");
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
        assertThat(SigningKey.load(key).publicKeyName()).isEqualTo("ci.rsa.pub");
    }
}
