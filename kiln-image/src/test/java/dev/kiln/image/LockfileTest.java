package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.apk.ApkIndex;
import dev.kiln.apk.IndexEntry;
import dev.kiln.apk.TrustedKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockfileTest {
    @TempDir
    Path tmp;

    ImageSpec spec;
    byte[] configBytes;
    final ImageBuilder builder = new ImageBuilder(Clock.systemUTC());

    @BeforeEach
    void setUp() throws Exception {
        Fixtures.repository(tmp);
        Fixtures.publicKey(tmp);
        Path config = Fixtures.config(tmp, ImageBuilderTest.HELLO);
        spec = ImageSpecLoader.load(config);
        configBytes = Files.readAllBytes(config);
    }

    ImageBuildOptions options() {
        return new ImageBuildOptions(null, null, null, null, tmp);
    }

    ImageLock lockText(String json) {
        return ImageLock.parse(json.getBytes(StandardCharsets.UTF_8), "image.lock.json");
    }

    IndexEntry indexEntry(String name, String version) {
        ApkIndex index = ApkIndex.read(
                tmp.resolve("repo/x86_64/APKINDEX.tar.gz"),
                TrustedKeys.load(List.of(tmp.resolve(Fixtures.KEY.publicKeyName()))));
        return index.entries().stream()
                .filter(e -> e.name().equals(name) && e.version().equals(version))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aCurrentLockBuildsTheSameImageAndAnOlderOneItsOwnVersions() {
        ImageLock lock = builder.lock(spec, options(), "image.yaml", configBytes);
        ImageLock reread = ImageLock.parse(lock.toJson(), "image.lock.json");
        assertThat(reread).isEqualTo(lock);

        ImageBuild fresh = builder.build(spec, options());
        ImageBuild locked = builder.build(spec, options().withLock(reread));
        assertThat(locked.images().index().descriptor().digest())
                .isEqualTo(fresh.images().index().descriptor().digest());

        // Pin the older libc that the repository still offers: the build installs it, not the newest.
        IndexEntry old = indexEntry("libc", "2.39-r0");
        String json = new String(lock.toJson(), StandardCharsets.UTF_8)
                .replace("\"2.40-r1\"", "\"2.39-r0\"")
                .replace(indexEntry("libc", "2.40-r1").checksum(), old.checksum());
        ImageBuild pinned = builder.build(spec, options().withLock(lockText(json)));
        assertThat(pinned.archs().get(0).packages())
                .extracting(p -> p.name() + "-" + p.version())
                .contains("libc-2.39-r0")
                .doesNotContain("libc-2.40-r1");
        assertThat(new String(
                        pinned.archs()
                                .get(0)
                                .tree()
                                .get("usr/lib/libc.so.6")
                                .orElseThrow()
                                .content(),
                        StandardCharsets.UTF_8))
                .isEqualTo("older libc");
    }

    @Test
    void missingOrAlteredLockedPackagesAreClearErrors() {
        String json = new String(
                builder.lock(spec, options(), "image.yaml", configBytes).toJson(), StandardCharsets.UTF_8);
        assertThatThrownBy(() ->
                        builder.build(spec, options().withLock(lockText(json.replace("\"2.12-r0\"", "\"9.9-r0\"")))))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("hello-9.9-r0 (x86_64) is in no repository [./repo]");
        String checksum = indexEntry("hello", "2.12-r0").checksum();
        String altered = "Q1" + "A".repeat(checksum.length() - 2);
        assertThatThrownBy(() -> builder.build(spec, options().withLock(lockText(json.replace(checksum, altered)))))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining(
                        "hello-2.12-r0 (x86_64) has checksum " + altered + " in the lock, but ./repo has " + checksum);
        String withoutLibc = json.replaceAll("(?s)\\{[^{}]*\"name\" : \"libc\"[^{}]*\\},?", "");
        assertThatThrownBy(() -> builder.build(spec, options().withLock(lockText(withoutLibc))))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("the locked packages do not satisfy the config")
                .hasMessageContaining("libc");
        assertThatThrownBy(() -> builder.build(
                        spec, new ImageBuildOptions(List.of("aarch64"), null, null, null, tmp, lockText(json))))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("no packages for aarch64");
        assertThatThrownBy(() -> lockText("{\"contents\":{\"packages\":[{\"name\":\"x\"}]}}"))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("contents.packages[0]: field 'version' must be a non-empty string");
    }
}
