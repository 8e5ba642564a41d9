package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkIndex;
import dev.kiln.apk.ApkSigningKey;
import dev.kiln.apk.IndexEntry;
import dev.kiln.apk.TrustedKeys;
import dev.kiln.testkit.TestPackages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln index} signs only packages that verify with the signing key or a --keyring-append key. */
class IndexCommandTest {
    @TempDir
    Path tmp;

    @Test
    void refusesAPackageFromAnUntrustedKeyUnlessItsKeyIsAppended() throws Exception {
        ApkSigningKey repoKey = ApkSigningKey.generate(2048, "repo.rsa");
        Path keyFile = tmp.resolve("repo.rsa");
        repoKey.writePem(keyFile, tmp.resolve("repo.rsa.pub"));
        Path repo = tmp.resolve("repo");
        TestPackages.publish(
                repo,
                "x86_64",
                repoKey,
                List.of(TestPackages.apk("hello", "1.0-r0").file("usr/share/h", "h", 0644)));
        ApkSigningKey stranger = ApkSigningKey.generate(2048, "stranger.rsa");
        Path planted = TestPackages.apk("evil", "1.0-r0")
                .arch("x86_64")
                .file("usr/share/e", "e", 0644)
                .write(repo.resolve("x86_64"), stranger);
        Path index = repo.resolve("x86_64/APKINDEX.tar.gz");
        byte[] before = Files.readAllBytes(index);

        CliRun refused = CliRun.of(
                "index", "--out-dir", repo.toString(), "--arch", "x86_64", "--signing-key", keyFile.toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err())
                .contains(planted.toString())
                .contains("no RSA256/RSA512 signature from a trusted key");
        assertThat(Files.readAllBytes(index)).isEqualTo(before);

        Path strangerPub = tmp.resolve("stranger.rsa.pub");
        Files.writeString(strangerPub, stranger.publicKeyPem());
        CliRun appended = CliRun.of(
                "index",
                "--out-dir",
                repo.toString(),
                "--arch",
                "x86_64",
                "--signing-key",
                keyFile.toString(),
                "--keyring-append",
                strangerPub.toString());
        assertThat(appended.exitCode()).as(appended.err()).isZero();
        assertThat(ApkIndex.read(index, TrustedKeys.of(repoKey)).entries())
                .extracting(IndexEntry::name)
                .containsExactly("evil", "hello");
    }
}
