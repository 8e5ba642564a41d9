package dev.kiln.vuln.image;

import dev.kiln.apk.ApkSigningKey;
import dev.kiln.image.ImageBuild;
import dev.kiln.image.ImageBuildOptions;
import dev.kiln.image.ImageBuilder;
import dev.kiln.image.ImageSpecLoader;
import dev.kiln.testkit.TestPackages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** Small images built the way Kiln builds them: generated APKs, a signed repository, {@link ImageBuilder}. */
final class KilnImages {
    static final long BUILD_DATE = 1_750_000_000L;
    private static final ApkSigningKey KEY = ApkSigningKey.generate(2048, "vuln-test.rsa");

    private KilnImages() {}

    /**
     * A distroless-style image: base layout, a libc, python-ish runtime and hello; nonroot; no shell.
     * {@code helloVersion} lets two builds differ by one package.
     */
    static ImageBuild hello(Path dir, String helloVersion, boolean withShell) throws Exception {
        Path repo = dir.resolve("repo");
        List<TestPackages> pkgs = new java.util.ArrayList<>(List.of(
                TestPackages.apk("kiln-baselayout", "20250601-r0")
                        .builddate(BUILD_DATE - 86_400 * 30)
                        .file("etc/os-release", "ID=kiln\nNAME=\"Kiln\"\nVERSION_ID=\"20250601\"\n", 0644)
                        .file("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\n", 0644)
                        .file("etc/group", "root:x:0:\n", 0644)
                        .dir("tmp"),
                TestPackages.apk("glibc", "2.41-r2")
                        .builddate(BUILD_DATE - 86_400)
                        .provides("so:libc.so.6=6")
                        .file("usr/lib/libc.so.6", "not really libc", 0755),
                TestPackages.apk("hello", helloVersion)
                        .builddate(BUILD_DATE)
                        .depends("so:libc.so.6")
                        .file("usr/bin/hello", "#!/usr/bin/env hello\n", 0755)));
        String packages = "[kiln-baselayout, hello]";
        if (withShell) {
            pkgs.add(TestPackages.apk("busybox", "1.37.0-r0")
                    .builddate(BUILD_DATE)
                    .depends("so:libc.so.6")
                    .file("usr/bin/busybox", "busybox", 0755)
                    .symlink("usr/bin/sh", "busybox"));
            packages = "[kiln-baselayout, hello, busybox]";
        }
        TestPackages.publish(repo, "x86_64", KEY, pkgs);
        TestPackages.publish(repo, "aarch64", KEY, pkgs);
        Files.writeString(dir.resolve(KEY.publicKeyName()), KEY.publicKeyPem());
        Path config = dir.resolve("image.yaml");
        Files.writeString(
                config,
                "contents:\n  repositories: [./repo]\n  keyring: [./" + KEY.publicKeyName() + "]\n"
                        + "  packages: " + packages + "\nentrypoint:\n  command: /usr/bin/hello\n"
                        + "accounts:\n  groups: [{groupname: nonroot, gid: 65532}]\n"
                        + "  users: [{username: nonroot, uid: 65532, gid: 65532}]\n  run-as: \"65532\"\n"
                        + "archs: [amd64, arm64]\n");
        return new ImageBuilder(Clock.systemUTC())
                .build(ImageSpecLoader.load(config), new ImageBuildOptions(null, null, null, null, dir));
    }
}
