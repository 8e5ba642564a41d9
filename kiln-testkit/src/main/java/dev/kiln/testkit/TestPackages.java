package dev.kiln.testkit;

import dev.kiln.apk.ApkInput;
import dev.kiln.apk.ApkRepository;
import dev.kiln.apk.ApkSigningKey;
import dev.kiln.apk.ApkWriter;
import dev.kiln.apk.PkgInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Generates small signed APKs and repositories with the real {@link ApkWriter}, for tests that need
 * packages without compiling software: {@code TestPackages.apk("hello", "1.0-r0").depends("so:libc.so.6")
 * .file("usr/bin/hello", "#!/bin/sh\necho hi\n", 0755)}, then {@link #publish}.
 */
public final class TestPackages {
    private final PkgInfo.Builder info;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, byte[]> control = new LinkedHashMap<>();
    private long builddate;

    /** One path of the package's data tree: a file with content and mode, a symlink with its target, or a directory. */
    // bytes carried as they are; nothing compares these records with equals (arrays compare by identity)
    @SuppressWarnings("ArrayRecordComponent")
    private record Entry(
            Type type, byte @Nullable [] content, @Nullable String target, int mode) {
        enum Type {
            FILE,
            SYMLINK,
            DIR
        }
    }

    private TestPackages(String name, String version) {
        this.info = PkgInfo.builder()
                .name(name)
                .version(version)
                .arch("x86_64")
                .origin(name)
                .description(name + " test package")
                .url("https://example.org/" + name)
                .license("MIT")
                .maintainer("Kiln Tests <tests@kiln.dev>");
    }

    public static TestPackages apk(String name, String version) {
        return new TestPackages(name, version);
    }

    /**
     * A {@code busybox} package of the host's static {@code /bin/busybox} (Debian's busybox-static), the usrmerge
     * link {@code bin -> usr/bin} and one link per applet: the smallest environment a hermetic build or test runs
     * in. Callers check that the binary exists ({@link Tools#require}).
     */
    public static TestPackages hostBusybox(java.util.Collection<String> applets) {
        TestPackages busybox = apk("busybox", "1.36.1-r0")
                .hostFile("usr/bin/busybox", Path.of("/bin/busybox"), 0755)
                .symlink("bin", "usr/bin");
        for (String applet : applets) {
            busybox.symlink("usr/bin/" + applet, "busybox");
        }
        return busybox;
    }

    public TestPackages arch(String arch) {
        info.arch(arch);
        return this;
    }

    public TestPackages origin(String origin) {
        info.origin(origin);
        return this;
    }

    public TestPackages description(String description) {
        info.description(description);
        return this;
    }

    public TestPackages license(String license) {
        info.license(license);
        return this;
    }

    public TestPackages depends(String... atoms) {
        for (String a : atoms) {
            info.addDepend(a);
        }
        return this;
    }

    public TestPackages provides(String... atoms) {
        for (String a : atoms) {
            info.addProvides(a);
        }
        return this;
    }

    public TestPackages replaces(String... names) {
        info.replaces(List.of(names));
        return this;
    }

    public TestPackages providerPriority(int priority) {
        info.providerPriority(priority);
        return this;
    }

    public TestPackages builddate(long epochSeconds) {
        builddate = epochSeconds;
        info.builddate(epochSeconds);
        return this;
    }

    public TestPackages file(String path, String content, int mode) {
        return file(path, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    public TestPackages file(String path, byte[] content, int mode) {
        entries.put(path, new Entry(Entry.Type.FILE, content, null, mode));
        return this;
    }

    /** Copies a host file (e.g. a static binary) into the package. */
    public TestPackages hostFile(String path, Path host, int mode) {
        try {
            return file(path, Files.readAllBytes(host), mode);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestPackages symlink(String path, String target) {
        entries.put(path, new Entry(Entry.Type.SYMLINK, null, target, 0));
        return this;
    }

    public TestPackages dir(String path) {
        entries.put(path, new Entry(Entry.Type.DIR, null, null, 0755));
        return this;
    }

    public TestPackages scriptlet(String name, String script) {
        control.put(name, script.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Writes the package as {@code outDir/NAME-VERSION.apk}, signed with {@code key}. */
    public Path write(Path outDir, ApkSigningKey key) {
        try {
            Path data = Files.createTempDirectory("kiln-testpkg-");
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                Path p = data.resolve(e.getKey());
                Entry entry = e.getValue();
                Files.createDirectories(p.getParent());
                switch (entry.type()) {
                    case FILE -> {
                        Files.write(p, Objects.requireNonNull(entry.content()));
                        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms(entry.mode())));
                    }
                    case SYMLINK -> Files.createSymbolicLink(p, Path.of(Objects.requireNonNull(entry.target())));
                    case DIR -> Files.createDirectories(p);
                }
            }
            PkgInfo pkg = info.build();
            Path out = outDir.resolve(pkg.name() + "-" + pkg.version() + ".apk");
            new ApkWriter().write(new ApkInput(pkg, data, control, Map.of(), builddate), key, out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes each package and publishes them into {@code repoRoot/ARCH} with a signed index. */
    public static Path publish(Path repoRoot, String arch, ApkSigningKey key, List<TestPackages> packages) {
        try {
            Path staging = Files.createTempDirectory("kiln-testrepo-");
            List<Path> files = new ArrayList<>();
            for (TestPackages p : packages) {
                files.add(p.arch(arch).write(staging, key));
            }
            new ApkRepository(repoRoot).publish(arch, files, key, 0);
            return repoRoot;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String perms(int mode) {
        StringBuilder sb = new StringBuilder();
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            sb.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        return sb.toString();
    }
}
