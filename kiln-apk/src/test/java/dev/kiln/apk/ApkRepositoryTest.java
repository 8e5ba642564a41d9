package dev.kiln.apk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApkRepositoryTest {
    @TempDir
    Path tmp;

    private Path build(String name, String version, String content) throws IOException {
        return build(name, version, content, Fixtures.testKey());
    }

    private Path build(String name, String version, String content, ApkSigningKey key) throws IOException {
        Path tree = tmp.resolve("trees/" + name + "-" + version + "-" + content.hashCode());
        Files.createDirectories(tree.resolve("usr/share"));
        Files.writeString(tree.resolve("usr/share/" + name), content);
        Path out = tmp.resolve("builds/" + content.hashCode() + "/" + name + "-" + version + ".apk");
        return new ApkWriter()
                .write(ApkInput.of(Fixtures.info(name, version), tree, Fixtures.SDE), key, out)
                .file();
    }

    private static Map<String, Digest> snapshot(Path dir) throws IOException {
        Map<String, Digest> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString(), Digest.sha256(p));
            }
        }
        return files;
    }

    @Test
    void publishesIncrementallyAndRefusesDifferentBytes() throws IOException {
        ApkRepository repo = new ApkRepository(tmp.resolve("repo"));
        Path a1 = build("alpha", "1.0-r0", "one");
        Path b1 = build("beta", "2.0-r0", "two");

        ApkRepository.PublishResult first = repo.publish("x86_64", List.of(b1, a1), Fixtures.testKey(), Fixtures.SDE);
        assertThat(first.added())
                .extracting(p -> p.getFileName().toString())
                .containsExactly("beta-2.0-r0.apk", "alpha-1.0-r0.apk");
        assertThat(ApkIndex.read(first.indexFile(), Fixtures.trusted()).entries())
                .extracting(IndexEntry::name)
                .containsExactly("alpha", "beta");
        ApkReader.read(tmp.resolve("repo/x86_64/alpha-1.0-r0.apk")).verify(Fixtures.trusted());

        Map<String, Digest> before = snapshot(tmp.resolve("repo"));
        ApkRepository.PublishResult again = repo.publish("x86_64", List.of(a1), Fixtures.testKey(), Fixtures.SDE);
        assertThat(again.added()).isEmpty();
        assertThat(again.unchanged()).hasSize(1);
        assertThat(snapshot(tmp.resolve("repo"))).isEqualTo(before);

        Path a1Rebuilt = build("alpha", "1.0-r0", "different");
        Path c1 = build("gamma", "1.0-r0", "three");
        assertThatThrownBy(() -> repo.publish("x86_64", List.of(c1, a1Rebuilt), Fixtures.testKey(), Fixtures.SDE))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("already published with different bytes")
                .hasMessageContaining(Digest.sha256(a1).toString())
                .hasMessageContaining(Digest.sha256(a1Rebuilt).toString());
        assertThat(snapshot(tmp.resolve("repo"))).isEqualTo(before);

        Path a2 = build("alpha", "1.0-r1", "newer");
        repo.publish("x86_64", List.of(a2, c1), Fixtures.testKey(), Fixtures.SDE);
        assertThat(repo.index("x86_64").entries())
                .extracting(e -> e.name() + "-" + e.version())
                .containsExactly("alpha-1.0-r0", "alpha-1.0-r1", "beta-2.0-r0", "gamma-1.0-r0");
        try (Stream<Path> files = Files.list(tmp.resolve("repo/x86_64"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly(
                            "APKINDEX.tar.gz",
                            "alpha-1.0-r0.apk",
                            "alpha-1.0-r1.apk",
                            "beta-2.0-r0.apk",
                            "gamma-1.0-r0.apk");
        }
    }

    @Test
    void equalInputsGiveEqualIndexBytes() throws IOException {
        Path a1 = build("alpha", "1.0-r0", "one");
        Path b1 = build("beta", "2.0-r0", "two");
        ApkRepository r1 = new ApkRepository(tmp.resolve("r1"));
        ApkRepository r2 = new ApkRepository(tmp.resolve("r2"));
        r1.publish("x86_64", List.of(a1), Fixtures.testKey(), 5);
        r1.publish("x86_64", List.of(b1), Fixtures.testKey(), 5);
        r2.publish("x86_64", List.of(b1, a1), Fixtures.testKey(), 5);
        assertThat(Digest.sha256(tmp.resolve("r1/x86_64/APKINDEX.tar.gz")))
                .isEqualTo(Digest.sha256(tmp.resolve("r2/x86_64/APKINDEX.tar.gz")));
    }

    @Test
    void rejectsWrongArchitecture() throws IOException {
        Path a1 = build("alpha", "1.0-r0", "one");
        ApkRepository repo = new ApkRepository(tmp.resolve("repo"));
        assertThatThrownBy(() -> repo.publish("aarch64", List.of(a1), Fixtures.testKey(), 0))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("package arch is x86_64");
        assertThat(tmp.resolve("repo")).doesNotExist();
    }

    /** An index signed over a package trusts that package: the package must verify first. */
    @Test
    void reindexRefusesAPackageSignedByAnUntrustedKey() throws IOException {
        ApkRepository repo = new ApkRepository(tmp.resolve("repo"));
        repo.publish("x86_64", List.of(build("alpha", "1.0-r0", "one")), Fixtures.testKey(), Fixtures.SDE);
        ApkSigningKey stranger = ApkSigningKey.generate(2048, "stranger.rsa");
        Path planted = tmp.resolve("repo/x86_64/evil-1.0-r0.apk");
        Files.copy(build("evil", "1.0-r0", "evil", stranger), planted);
        Map<String, Digest> before = snapshot(tmp.resolve("repo"));

        assertThatThrownBy(() -> repo.reindex("x86_64", Fixtures.testKey(), Fixtures.SDE))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("refusing to index " + planted)
                .hasMessageContaining("no RSA256/RSA512 signature from a trusted key")
                .hasMessageContaining("stranger.rsa.pub");
        assertThat(snapshot(tmp.resolve("repo"))).isEqualTo(before);

        // trusted through --keyring-append, it is indexed
        TrustedKeys appended = TrustedKeys.of(Map.of(stranger.publicKeyName(), stranger.publicKey()));
        assertThat(repo.reindex("x86_64", Fixtures.testKey(), appended, Fixtures.SDE))
                .isEqualTo(2);
        assertThat(repo.index("x86_64").entries()).extracting(IndexEntry::name).containsExactly("alpha", "evil");
    }

    @Test
    void reindexRefusesAForgedSignature() throws IOException {
        ApkRepository repo = new ApkRepository(tmp.resolve("repo"));
        // a key that claims the trusted key's name: the signature names a trusted key but does not verify
        ApkSigningKey forger = ApkSigningKey.generate(2048, Fixtures.testKey().keyName());
        Path forged = Files.createDirectories(tmp.resolve("repo/x86_64")).resolve("evil-1.0-r0.apk");
        Files.copy(build("evil", "1.0-r0", "evil", forger), forged);

        assertThatThrownBy(() -> repo.reindex("x86_64", Fixtures.testKey(), Fixtures.SDE))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("refusing to index " + forged)
                .hasMessageContaining("bad signature");
        assertThat(tmp.resolve("repo/x86_64/APKINDEX.tar.gz")).doesNotExist();
    }

    @Test
    void reindexRefusesAPackageWhoseDataWasChangedAfterSigning() throws IOException {
        ApkRepository repo = new ApkRepository(tmp.resolve("repo"));
        Path good = build("alpha", "1.0-r0", "one");
        byte[] bytes = Files.readAllBytes(good);
        long dataStart = ApkWriterReaderTest.memberOffsets(good).get(2);
        bytes[(int) (dataStart + (bytes.length - dataStart) / 2)] ^= 0x01;
        Path tampered = Files.createDirectories(tmp.resolve("repo/x86_64")).resolve("alpha-1.0-r0.apk");
        Files.write(tampered, bytes);

        assertThatThrownBy(() -> repo.reindex("x86_64", Fixtures.testKey(), Fixtures.SDE))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("refusing to index " + tampered)
                .hasMessageContaining("datahash mismatch");
    }

    @Test
    void publishRefusesAPackageTheSigningKeyDidNotSign() throws IOException {
        ApkRepository repo = new ApkRepository(tmp.resolve("repo"));
        Path foreign = build("evil", "1.0-r0", "evil", ApkSigningKey.generate(2048, "stranger.rsa"));

        assertThatThrownBy(() -> repo.publish("x86_64", List.of(foreign), Fixtures.testKey(), Fixtures.SDE))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining(foreign.toString())
                .hasMessageContaining("stranger.rsa.pub");
        assertThat(tmp.resolve("repo")).doesNotExist();
    }
}
