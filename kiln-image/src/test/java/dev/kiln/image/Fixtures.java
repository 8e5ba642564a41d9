package dev.kiln.image;

import dev.kiln.apk.SigningKey;
import dev.kiln.testkit.TestPackages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A small signed repository: a base layout, a libc, hello, and packages that exercise the resolver. */
final class Fixtures {
    static final SigningKey KEY = SigningKey.generate(2048, "kiln-test.rsa");
    static final long BUILD_DATE = 1_700_000_000L;

    private Fixtures() {
    }

    static Path repository(Path dir) throws Exception {
        Path repo = dir.resolve("repo");
        TestPackages.publish(repo, "x86_64", KEY, List.of(
                TestPackages.apk("kiln-baselayout", "1.0-r0").builddate(BUILD_DATE)
                        .file("etc/os-release", "ID=kiln\nNAME=\"Kiln\"\nPRETTY_NAME=\"Kiln\"\nVERSION_ID=\"2025\"\n"
                                + "HOME_URL=\"https://kiln.dev\"\n", 0644)
                        .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644)
                        .file("etc/group", "root:x:0:\n", 0644)
                        .dir("tmp").dir("usr/bin").symlink("bin", "usr/bin"),
                TestPackages.apk("libc", "2.40-r1").builddate(BUILD_DATE).provides("so:libc.so.6=6")
                        .file("usr/lib/libc.so.6", "not really libc", 0755),
                TestPackages.apk("libc", "2.39-r0").builddate(BUILD_DATE - 100).provides("so:libc.so.6=6")
                        .file("usr/lib/libc.so.6", "older libc", 0755),
                TestPackages.apk("hello", "2.12-r0").builddate(BUILD_DATE + 50).depends("so:libc.so.6")
                        .file("usr/bin/hello", "#!/bin/sh\necho hello\n", 0755)
                        .file("usr/share/hello/greeting", "hi\n", 0644),
                TestPackages.apk("greeter-a", "1.0-r0").builddate(BUILD_DATE).provides("greeter")
                        .providerPriority(10).file("usr/bin/greet-a", "a", 0755),
                TestPackages.apk("greeter-b", "1.0-r0").builddate(BUILD_DATE).provides("greeter")
                        .providerPriority(20).file("usr/bin/greet-b", "b", 0755),
                TestPackages.apk("grumpy", "1.0-r0").builddate(BUILD_DATE).depends("!hello")
                        .file("usr/bin/grumpy", "g", 0755)));
        return repo;
    }

    static Path publicKey(Path dir) throws Exception {
        Path pub = dir.resolve(KEY.publicKeyName());
        Files.writeString(pub, KEY.publicKeyPem());
        return pub;
    }

    static Path config(Path dir, String yaml) throws Exception {
        Path f = dir.resolve("image.yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
