package dev.kiln.image;

import dev.kiln.apk.ApkSigningKey;
import dev.kiln.testkit.TestPackages;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** A small signed repository: a base layout, a libc, hello, and packages that exercise the resolver. */
final class Fixtures {
    static final ApkSigningKey KEY = ApkSigningKey.generate(2048, "kiln-test.rsa");
    static final long BUILD_DATE = 1_700_000_000L;

    private Fixtures() {}

    static Path repository(Path dir) throws Exception {
        Path repo = dir.resolve("repo");
        TestPackages.publish(
                repo,
                "x86_64",
                KEY,
                List.of(
                        TestPackages.apk("kiln-baselayout", "1.0-r0")
                                .builddate(BUILD_DATE)
                                .file("etc/os-release", """
                                        ID=kiln
                                        NAME="Kiln"
                                        PRETTY_NAME="Kiln"
                                        VERSION_ID="2025"
                                        HOME_URL="https://kiln.dev"
                                        """, 0644)
                                .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644)
                                .file("etc/group", "root:x:0:\n", 0644)
                                .dir("tmp")
                                .dir("usr/bin")
                                .symlink("bin", "usr/bin"),
                        TestPackages.apk("libc", "2.40-r1")
                                .builddate(BUILD_DATE)
                                .provides("so:libc.so.6=6")
                                .file("usr/lib/libc.so.6", "not really libc", 0755),
                        TestPackages.apk("libc", "2.39-r0")
                                .builddate(BUILD_DATE - 100)
                                .provides("so:libc.so.6=6")
                                .file("usr/lib/libc.so.6", "older libc", 0755),
                        TestPackages.apk("hello", "2.12-r0")
                                .builddate(BUILD_DATE + 50)
                                .depends("so:libc.so.6")
                                .file("usr/bin/hello", "#!/bin/sh\necho hello\n", 0755)
                                .file("usr/share/hello/greeting", "hi\n", 0644),
                        TestPackages.apk("greeter-a", "1.0-r0")
                                .builddate(BUILD_DATE)
                                .provides("greeter")
                                .providerPriority(10)
                                .file("usr/bin/greet-a", "a", 0755),
                        TestPackages.apk("greeter-b", "1.0-r0")
                                .builddate(BUILD_DATE)
                                .provides("greeter")
                                .providerPriority(20)
                                .file("usr/bin/greet-b", "b", 0755),
                        TestPackages.apk("grumpy", "1.0-r0")
                                .builddate(BUILD_DATE)
                                .depends("!hello")
                                .file("usr/bin/grumpy", "g", 0755)));
        return repo;
    }

    /**
     * A repository in {@code dir/repo} (with the public key in {@code dir}) whose hello is a real
     * program ({@link #helloElf}), for images that other tools unpack, load or run.
     */
    static Path runnableRepository(Path dir) throws Exception {
        Path repo = dir.resolve("repo");
        TestPackages.publish(
                repo,
                "x86_64",
                KEY,
                List.of(
                        TestPackages.apk("kiln-baselayout", "1.0-r0")
                                .builddate(BUILD_DATE)
                                .file("etc/os-release", "ID=kiln\nVERSION_ID=\"2025\"\n", 0644)
                                .file("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\n", 0644)
                                .dir("tmp"),
                        TestPackages.apk("hello", "2.12-r0")
                                .builddate(BUILD_DATE)
                                .file("usr/bin/hello", helloElf(), 0755)));
        publicKey(dir);
        return repo;
    }

    /** A 169-byte static x86-64 Linux program that prints "Hello, world!" and exits 0: no compiler needed. */
    static byte[] helloElf() {
        byte[] msg = "Hello, world!\n".getBytes(StandardCharsets.US_ASCII);
        byte[] code = {
            (byte) 0xb8,
            1,
            0,
            0,
            0,
            (byte) 0xbf,
            1,
            0,
            0,
            0,
            0x48,
            (byte) 0x8d,
            0x35,
            16,
            0,
            0,
            0,
            (byte) 0xba,
            (byte) msg.length,
            0,
            0,
            0,
            0x0f,
            0x05,
            (byte) 0xb8,
            60,
            0,
            0,
            0,
            0x31,
            (byte) 0xff,
            0x0f,
            0x05
        };
        int size = 64 + 56 + code.length + msg.length;
        long base = 0x400000;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 2)
                .putShort((short) 0x3e)
                .putInt(1)
                .putLong(base + 120)
                .putLong(64)
                .putLong(0);
        b.putInt(0)
                .putShort((short) 64)
                .putShort((short) 56)
                .putShort((short) 1)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) 0);
        b.putInt(1)
                .putInt(5)
                .putLong(0)
                .putLong(base)
                .putLong(base)
                .putLong(size)
                .putLong(size)
                .putLong(0x1000);
        b.put(code).put(msg);
        return b.array();
    }

    /** Builds {@code yaml} (written to {@code dir/image.yaml}) with repositories and keys relative to {@code dir}. */
    static ImageBuild build(Path dir, String yaml) throws Exception {
        ImageSpec spec = ImageSpecLoader.load(config(dir, yaml));
        return new ImageBuilder(Clock.systemUTC()).build(spec, new ImageBuildOptions(null, null, null, null, dir));
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
