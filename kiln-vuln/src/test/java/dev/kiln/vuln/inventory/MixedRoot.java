package dev.kiln.vuln.inventory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A Debian bookworm-style root with the things scanners disagree on: dpkg packages in every state, epoch
 * and '+' versions, a Debian-owned Python package, pip and egg packages, a Spring Boot fully executable
 * jar, a jar with STORED entries and data descriptors, shaded and WAR-nested jars, manifest-only jars,
 * an npm package and a Go binary with pre-1.18 build information. Written by the tests, nothing downloaded.
 */
final class MixedRoot {
    /** The magic of a class file; enough for an archive to count as holding code of its own. */
    static final byte[] CLASS = {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe};

    static final String LAUNCH_SCRIPT =
            "#!/bin/bash\n# launch script of a fully executable Spring Boot jar\nexec java -jar \"$0\" \"$@\"\n";

    private MixedRoot() {}

    static Path write(Path root) throws IOException {
        file(root, "etc/os-release", """
                PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
                NAME="Debian GNU/Linux"
                VERSION_ID="12"
                VERSION="12 (bookworm)"
                VERSION_CODENAME=bookworm
                ID=debian
                """);
        file(root, "etc/debian_version", "12.8\n");
        file(root, "var/lib/dpkg/status", """
                Package: libc6
                Status: install ok installed
                Architecture: amd64
                Source: glibc
                Version: 2.36-9+deb12u4
                Description: GNU C Library

                Package: login
                Status: install ok installed
                Architecture: amd64
                Source: shadow
                Version: 1:4.13+dfsg1-1+b1

                Package: python3-jinja2
                Status: install ok installed
                Architecture: all
                Source: jinja2
                Version: 3.1.2-1

                Package: libgcrypt20
                Status: install ok triggers-pending
                Architecture: amd64
                Version: 1.10.1-3

                Package: libpam0g
                Status: install ok triggers-awaited
                Architecture: amd64
                Source: pam
                Version: 1.5.2-6+deb12u1

                Package: libssl3
                Status: install reinstreq half-installed
                Architecture: amd64
                Source: openssl
                Version: 3.0.15-1~deb12u1

                Package: libexpat1
                Status: install ok unpacked
                Architecture: amd64
                Source: expat
                Version: 2.5.0-1

                Package: removed-thing
                Status: deinstall ok config-files
                Architecture: amd64
                Version: 1.0-1

                Package: never-installed
                Status: purge ok not-installed
                Architecture: amd64
                """);
        file(
                root,
                "var/lib/dpkg/info/python3-jinja2.list",
                "/.\n/usr/lib/python3/dist-packages/Jinja2-3.1.2.dist-info/METADATA\n");
        file(
                root,
                "usr/lib/python3/dist-packages/Jinja2-3.1.2.dist-info/METADATA",
                "Metadata-Version: 2.1\nName: Jinja2\nVersion: 3.1.2\n");
        file(
                root,
                "usr/local/lib/python3.11/dist-packages/requests-2.31.0.dist-info/METADATA",
                "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n");
        file(
                root,
                "usr/local/lib/python3.11/dist-packages/six-1.16.0-py3.11.egg/EGG-INFO/PKG-INFO",
                "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n");
        file(root, "usr/lib/node_modules/lodash/package.json", "{\"name\": \"lodash\", \"version\": \"4.17.21\"}\n");

        byte[] snakeyaml = jar(Map.of(pom("org.yaml", "snakeyaml"), props("org.yaml", "snakeyaml", "1.33")), false);
        byte[] boot = jar(
                Map.of(
                        pom("com.example", "app"),
                        props("com.example", "app", "1.0"),
                        "BOOT-INF/lib/snakeyaml-1.33.jar",
                        snakeyaml),
                false);
        file(root, "opt/app/app.jar", concat(LAUNCH_SCRIPT.getBytes(StandardCharsets.UTF_8), boot));
        file(
                root,
                "opt/app/lang3.jar",
                storedWithDescriptors(List.of(
                        Map.entry("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n\n".getBytes(StandardCharsets.UTF_8)),
                        Map.entry(
                                pom("org.apache.commons", "commons-lang3"),
                                props("org.apache.commons", "commons-lang3", "3.12.0")),
                        Map.entry(
                                "org/apache/commons/lang3/StringUtils.class", new byte[] {(byte) 0xca, (byte) 0xfe}))));
        file(
                root,
                "opt/app/shaded.jar",
                jar(
                        Map.of(
                                pom("com.example", "shaded"),
                                props("com.example", "shaded", "2.0"),
                                pom("com.google.guava", "guava"),
                                props("com.google.guava", "guava", "31.0-jre")),
                        false));
        byte[] guava =
                jar(Map.of(pom("com.google.guava", "guava"), props("com.google.guava", "guava", "32.0.1-jre")), false);
        file(root, "opt/app/web.war", jar(Map.of("WEB-INF/lib/guava-32.0.1-jre.jar", guava), false));
        file(
                root,
                "opt/app/jna-5.13.0.jar",
                jar(
                        Map.of(
                                "META-INF/MANIFEST.MF",
                                """
                                 Manifest-Version: 1.0
                                 Bundle-SymbolicName: com.sun.jna
                                 Implementation-Version: 5.13.0 (b0)
                                 Bundle-Version: 5.13.0

                                 """.getBytes(StandardCharsets.UTF_8),
                                "com/sun/jna/Native.class",
                                CLASS),
                        true));
        file(
                root,
                "usr/lib/jvm/java-17-openjdk-amd64/lib/jrt-fs.jar",
                jar(
                        Map.of(
                                "META-INF/MANIFEST.MF",
                                """
                                 Manifest-Version: 1.0
                                 Implementation-Title: Java Runtime Environment
                                 Implementation-Version: 17.0.21.1
                                 Implementation-Vendor: Debian

                                 """.getBytes(StandardCharsets.UTF_8),
                                "jdk/internal/jrtfs/JrtFileSystem.class",
                                CLASS),
                        true));
        file(
                root,
                "opt/app/plain-1.4.jar",
                jar(
                        Map.of(
                                "META-INF/MANIFEST.MF",
                                """
                                 Manifest-Version: 1.0
                                 Implementation-Vendor-Id: org.example
                                 Implementation-Title: Plain Library
                                 Implementation-Version: 1.4

                                 """.getBytes(StandardCharsets.UTF_8),
                                "org/example/Plain.class",
                                CLASS),
                        true));
        Path go = file(root, "usr/local/bin/legacy-tool", goLegacyBinary("go1.16.15", """
                        path\texample.com/tool
                        mod\texample.com/tool\t(devel)
                        dep\tgolang.org/x/text\tv0.3.7\th1:abc=
                        """));
        Files.setPosixFilePermissions(go, PosixFilePermissions.fromString("rwxr-xr-x"));
        return root;
    }

    static Path file(Path root, String path, String content) throws IOException {
        return file(root, path, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path file(Path root, String path, byte[] content) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        return Files.write(p, content);
    }

    static String pom(String group, String artifact) {
        return "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    }

    static byte[] props(String group, String artifact, String version) {
        return ("groupId=" + group + "\nartifactId=" + artifact + "\nversion=" + version + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A jar written by the JDK (deflated entries); {@code stored} stores entries whole instead. */
    static byte[] jar(Map<String, byte[]> entries, boolean stored) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(entries).entrySet()) {
                ZipEntry z = new ZipEntry(e.getKey());
                if (stored) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    z.setMethod(ZipEntry.STORED);
                    z.setSize(e.getValue().length);
                    z.setCompressedSize(e.getValue().length);
                    z.setCrc(crc.getValue());
                }
                zip.putNextEntry(z);
                zip.write(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A zip whose entries are STORED with general-purpose flag bit 3: sizes and CRC zero in the local header,
     * given in a data descriptor after the data and in the central directory (APPNOTE 4.3.9), as some
     * build tools write them. {@code ZipInputStream} refuses such entries.
     */
    static byte[] storedWithDescriptors(List<Map.Entry<String, byte[]>> entries) {
        ByteBuffer out = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        List<int[]> central = new ArrayList<>();
        Map<Integer, String> names = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : entries) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(e.getValue());
            int offset = out.position();
            out.putInt(0x04034b50)
                    .putShort((short) 10)
                    .putShort((short) 0x0808)
                    .putShort((short) 0)
                    .putInt(0)
                    .putInt(0)
                    .putInt(0)
                    .putInt(0)
                    .putShort((short) name.length)
                    .putShort((short) 0)
                    .put(name);
            out.put(e.getValue());
            out.putInt(0x08074b50)
                    .putInt((int) crc.getValue())
                    .putInt(e.getValue().length)
                    .putInt(e.getValue().length);
            central.add(new int[] {offset, (int) crc.getValue(), e.getValue().length});
            names.put(offset, e.getKey());
        }
        int cenStart = out.position();
        for (int[] c : central) {
            byte[] name = names.get(c[0]).getBytes(StandardCharsets.UTF_8);
            out.putInt(0x02014b50)
                    .putShort((short) 20)
                    .putShort((short) 10)
                    .putShort((short) 0x0808)
                    .putShort((short) 0)
                    .putInt(0)
                    .putInt(c[1])
                    .putInt(c[2])
                    .putInt(c[2])
                    .putShort((short) name.length)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putInt(0)
                    .putInt(c[0])
                    .put(name);
        }
        int cenSize = out.position() - cenStart;
        out.putInt(0x06054b50)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) central.size())
                .putShort((short) central.size())
                .putInt(cenSize)
                .putInt(cenStart)
                .putShort((short) 0);
        byte[] b = new byte[out.position()];
        out.flip().get(b);
        return b;
    }

    /**
     * An x86-64 ELF executable holding Go build information in the format linkers before Go 1.18 wrote:
     * after the 14-byte magic, the pointer size (8) and flags (0: little-endian, pointer format), two
     * pointers to Go string headers (data pointer, length) for the Go version and the module info, which
     * the linker frames with 16-byte sentinels. One PT_LOAD segment maps the file at 0x400000; it is
     * writable and not executable, the segment Go's own reader (debug/buildinfo) searches when there is no
     * {@code .go.buildinfo} section, so trivy reads this binary too.
     */
    static byte[] goLegacyBinary(String goVersion, String modinfo) {
        long base = 0x400000;
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 2)
                .putShort((short) 62)
                .putInt(1)
                .putLong(base)
                .putLong(64)
                .putLong(0)
                .putInt(0)
                .putShort((short) 64)
                .putShort((short) 56)
                .putShort((short) 1)
                .putShort((short) 64)
                .putShort((short) 0)
                .putShort((short) 0);
        b.putInt(1)
                .putInt(6)
                .putLong(0)
                .putLong(base)
                .putLong(base)
                .putLong(1024)
                .putLong(1024)
                .putLong(0x1000);
        int info = 128;
        int versionHeader = 160;
        int modHeader = 176;
        int versionData = 192;
        int modData = 224;
        b.position(info);
        b.put("\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1))
                .put((byte) 8)
                .put((byte) 0);
        b.putLong(base + versionHeader).putLong(base + modHeader);
        byte[] v = goVersion.getBytes(StandardCharsets.UTF_8);
        byte[] sentinelStart = hex("3077af0c9274080241e1c107e6d618e6");
        byte[] sentinelEnd = hex("f932433186182072008242104116d8f2");
        byte[] m = concat(sentinelStart, concat(modinfo.getBytes(StandardCharsets.UTF_8), sentinelEnd));
        b.position(versionHeader).putLong(base + versionData).putLong(v.length);
        b.position(modHeader).putLong(base + modData).putLong(m.length);
        b.position(versionData).put(v);
        b.position(modData).put(m);
        return b.array();
    }

    private static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
