package dev.kiln.vuln;

import dev.kiln.apk.ApkEntry;
import dev.kiln.apk.ApkInput;
import dev.kiln.apk.ApkPackage;
import dev.kiln.apk.ApkReader;
import dev.kiln.apk.ApkSigningKey;
import dev.kiln.apk.ApkWriter;
import dev.kiln.apk.PkgInfo;
import dev.kiln.apk.WrittenApk;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarType;
import dev.kiln.content.TarWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds fixture images the way Kiln does: each package is written by {@link ApkWriter}, read back by
 * {@link ApkReader}, its files extracted into a rootfs and an installed-database block written as apk does.
 */
final class FixtureImage {
    static final long EPOCH = 1_700_000_000L;
    private static ApkSigningKey key;

    private final Path work;
    private final Path rootfs;
    private final StringBuilder db = new StringBuilder();
    private int count;

    FixtureImage(Path work) {
        this.work = work;
        this.rootfs = work.resolve("rootfs");
        synchronized (FixtureImage.class) {
            if (key == null) {
                key = ApkSigningKey.generate(2048, "fixture.rsa");
            }
        }
    }

    /** The base layout (os-release) and CA bundle packages every case has. */
    static FixtureImage base(Path work) {
        return new FixtureImage(work)
                .pkg(
                        "kiln-baselayout",
                        "20261201-r0",
                        null,
                        Map.of(
                                "etc/os-release",
                                "ID=kiln\nNAME=\"Kiln\"\nPRETTY_NAME=\"Kiln\"\nVERSION_ID=20261201\nHOME_URL=\"https://kiln.dev\"\n"
                                        .getBytes(StandardCharsets.UTF_8)))
                .pkg(
                        "ca-certificates-bundle",
                        "20250911-r0",
                        "ca-certificates",
                        Map.of("etc/ssl/certs/ca-certificates.crt", "-----BEGIN CERTIFICATE-----\n".getBytes()));
    }

    FixtureImage pkg(String name, String version, String origin, Map<String, byte[]> files) {
        try {
            Path data = work.resolve("data-" + count++);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path p = data.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, f.getValue());
                if (f.getKey().contains("bin/")) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            Files.createDirectories(data);
            PkgInfo info = PkgInfo.builder()
                    .name(name)
                    .version(version)
                    .arch("x86_64")
                    .origin(origin == null ? name : origin)
                    .description(name)
                    .license("MIT")
                    .build();
            WrittenApk written = new ApkWriter()
                    .write(
                            ApkInput.of(info, data, EPOCH),
                            key,
                            work.resolve("apks").resolve(name + "-" + version + ".apk"));
            install(ApkReader.read(written.file()), written.identity());
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void install(ApkPackage apk, String identity) throws IOException {
        PkgInfo p = apk.pkgInfo();
        db.append("C:")
                .append(identity)
                .append('\n')
                .append("P:")
                .append(p.name())
                .append('\n')
                .append("V:")
                .append(p.version())
                .append('\n')
                .append("A:")
                .append(p.arch())
                .append('\n')
                .append("S:")
                .append(apk.fileSize())
                .append('\n')
                .append("I:")
                .append(p.size())
                .append('\n')
                .append("T:")
                .append(p.description())
                .append('\n')
                .append("L:")
                .append(p.license())
                .append('\n')
                .append("o:")
                .append(p.origin())
                .append('\n');
        String dir = null;
        for (ApkEntry e : apk.entries()) {
            if (e.type() == ApkEntry.Type.DIRECTORY) {
                Files.createDirectories(rootfs.resolve(e.path()));
                db.append("F:").append(e.path()).append('\n');
                dir = e.path();
            } else if (e.type() == ApkEntry.Type.FILE) {
                Path target = rootfs.resolve(e.path());
                Files.createDirectories(target.getParent());
                Files.write(target, apk.readFile(e.path()).orElseThrow());
                if ((e.mode() & 0111) != 0) {
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
                String parent =
                        e.path().contains("/") ? e.path().substring(0, e.path().lastIndexOf('/')) : "";
                if (!parent.equals(dir)) {
                    db.append("F:").append(parent).append('\n');
                    dir = parent;
                }
                db.append("R:")
                        .append(e.path().substring(e.path().lastIndexOf('/') + 1))
                        .append('\n');
            }
        }
        db.append('\n');
    }

    /** A file no package owns (a "dark file"). */
    FixtureImage darkFile(String path, byte[] content, boolean executable) throws IOException {
        Path p = rootfs.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        if (executable) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return this;
    }

    /** Writes the installed database at {@code lib/apk/db/installed}, or under {@code usr/} behind a symlink. */
    Path finish(boolean underUsr) throws IOException {
        Path dbFile = rootfs.resolve(underUsr ? "usr/lib/apk/db/installed" : "lib/apk/db/installed");
        Files.createDirectories(dbFile.getParent());
        Files.writeString(dbFile, db.toString());
        if (underUsr) {
            Files.createDirectories(rootfs.resolve("lib"));
            Files.createSymbolicLink(rootfs.resolve("lib/apk"), Path.of("../usr/lib/apk"));
        }
        return rootfs;
    }

    /** The rootfs as one uncompressed layer tar, directories first, in path order. */
    static byte[] layer(Path rootfs) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(bytes);
        try (Stream<Path> s = Files.walk(rootfs)) {
            for (Path p : s.sorted().toList()) {
                if (p.equals(rootfs)) {
                    continue;
                }
                String name = rootfs.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    tar.write(
                            new TarHeader(
                                    name,
                                    TarType.SYMLINK,
                                    0777,
                                    0,
                                    0,
                                    "root",
                                    "root",
                                    0,
                                    EPOCH,
                                    Files.readSymbolicLink(p).toString(),
                                    0,
                                    0,
                                    Map.of()),
                            new byte[0]);
                } else if (Files.isDirectory(p)) {
                    tar.write(TarHeader.of(name, TarType.DIRECTORY, 0755, 0, EPOCH), new byte[0]);
                } else {
                    byte[] c = Files.readAllBytes(p);
                    tar.write(
                            TarHeader.of(name, TarType.FILE, Files.isExecutable(p) ? 0755 : 0644, c.length, EPOCH), c);
                }
            }
        }
        tar.finish();
        return bytes.toByteArray();
    }

    /** An ELF-looking executable carrying Go 1.18+ build info with the given modules ({path, version}). */
    static byte[] goBinary(String goVersion, String mainModule, List<String[]> deps) {
        StringBuilder mod = new StringBuilder("path\t" + mainModule + "\nmod\t" + mainModule + "\t(devel)\t\n");
        for (String[] d : deps) {
            mod.append("dep\t").append(d[0]).append('\t').append(d[1]).append("\th1:x=\n");
        }
        byte[] sentinel = new byte[16];
        java.util.Arrays.fill(sentinel, (byte) 0x30);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(sentinel);
        info.writeBytes(mod.toString().getBytes(StandardCharsets.UTF_8));
        info.writeBytes(sentinel);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        out.writeBytes(new byte[56]);
        out.writeBytes("\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1));
        out.write(8);
        out.write(2);
        out.writeBytes(new byte[16]);
        varString(out, goVersion.getBytes(StandardCharsets.UTF_8));
        varString(out, info.toByteArray());
        out.writeBytes(new byte[64]);
        return out.toByteArray();
    }

    private static void varString(ByteArrayOutputStream out, byte[] s) {
        int n = s.length;
        while (n >= 0x80) {
            out.write((n & 0x7f) | 0x80);
            n >>>= 7;
        }
        out.write(n);
        out.writeBytes(s);
    }

    /** A jar holding pom.properties for each {group, artifact, version} and the given nested jars. */
    static byte[] jar(List<String[]> poms, Map<String, byte[]> nested) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\nImplementation-Title: app\nImplementation-Version: 1.0\n\n"
                    .getBytes(StandardCharsets.UTF_8));
            for (String[] p : poms) {
                zip.putNextEntry(new ZipEntry("META-INF/maven/" + p[0] + "/" + p[1] + "/pom.properties"));
                zip.write(("groupId=" + p[0] + "\nartifactId=" + p[1] + "\nversion=" + p[2] + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            for (Map.Entry<String, byte[]> n : nested.entrySet()) {
                zip.putNextEntry(new ZipEntry(n.getKey()));
                zip.write(n.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Map<String, byte[]> files(Object... pathsAndContents) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pathsAndContents.length; i += 2) {
            Object c = pathsAndContents[i + 1];
            m.put(
                    (String) pathsAndContents[i],
                    c instanceof byte[] b ? b : c.toString().getBytes(StandardCharsets.UTF_8));
        }
        return m;
    }
}
