package dev.kiln.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {
    private static final String HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @ParameterizedTest
    @CsvSource({
        "alpine, docker.io, library/alpine, , docker.io/library/alpine",
        "alpine:3.20, docker.io, library/alpine, 3.20, docker.io/library/alpine:3.20",
        "chainguard/static, docker.io, chainguard/static, , docker.io/chainguard/static",
        "localhost/app:v1, localhost, app, v1, localhost/app:v1",
        "127.0.0.1:5000/kiln/hello:latest, 127.0.0.1:5000, kiln/hello, latest, 127.0.0.1:5000/kiln/hello:latest",
        "cgr.dev/chainguard/static, cgr.dev, chainguard/static, , cgr.dev/chainguard/static",
        "registry:5000/a/b/c:t_1.2-x, registry:5000, a/b/c, t_1.2-x, registry:5000/a/b/c:t_1.2-x",
    })
    void parsesWithDockerDefaults(String text, String registry, String repository, String tag, String full) {
        ImageReference r = ImageReference.parse(text);
        assertThat(r.registry()).isEqualTo(registry);
        assertThat(r.repository()).isEqualTo(repository);
        assertThat(r.tag()).isEqualTo(tag);
        assertThat(r.digest()).isNull();
        assertThat(r).hasToString(full);
        assertThat(ImageReference.parse(r.toString())).isEqualTo(r);
    }

    @Test
    void digestAndTagTogether() {
        ImageReference r = ImageReference.parse("host:5000/repo:tag@sha256:" + HEX);
        assertThat(r.tag()).isEqualTo("tag");
        assertThat(r.digest()).isEqualTo(Digest.parse("sha256:" + HEX));
        assertThat(r.identifier()).isEqualTo("sha256:" + HEX);
        assertThat(r.withTag("other").withDigest(null)).hasToString("host:5000/repo:other");
        assertThat(ImageReference.parse("host:5000/repo").identifier()).isEqualTo("latest");
    }

    @Test
    void rejectsBadText() {
        assertThatThrownBy(() -> ImageReference.parse("Host/UPPER:tag")).hasMessageContaining("UPPER");
        assertThatThrownBy(() -> ImageReference.parse("repo:bad tag")).hasMessageContaining("bad tag");
        assertThatThrownBy(() -> ImageReference.parse("repo@sha256:abc")).hasMessageContaining("64");
        assertThatThrownBy(() -> ImageReference.parse("")).isInstanceOf(OciException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "x86_64, linux/amd64",
        "aarch64, linux/arm64/v8",
        "armhf, linux/arm/v6",
        "armv7, linux/arm/v7",
        "x86, linux/386",
        "loongarch64, linux/loong64",
        "s390x, linux/s390x"
    })
    void platformsMapToApkArchs(String apk, String platform) {
        Platform p = Platform.fromApkArch(apk);
        assertThat(p).hasToString(platform);
        assertThat(p.apkArch()).isEqualTo(apk);
        assertThat(Platform.parse(platform)).isEqualTo(p);
        assertThat(Platform.parse(apk)).isEqualTo(p);
    }

    @Test
    void apkoArchNames() {
        assertThat(Platform.parse("amd64").apkArch()).isEqualTo("x86_64");
        assertThat(Platform.parse("arm64").apkArch()).isEqualTo("aarch64");
        assertThat(Platform.parse("arm/v6").apkArch()).isEqualTo("armhf");
        assertThat(Platform.parse("386").apkArch()).isEqualTo("x86");
        assertThatThrownBy(() -> Platform.parse("sparc")).hasMessageContaining("unknown architecture 'sparc'");
    }
}
