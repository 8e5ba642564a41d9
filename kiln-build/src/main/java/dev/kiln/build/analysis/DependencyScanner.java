package dev.kiln.build.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Detects a package's runtime dependencies and provides from its files (apk.md §5, after melange's
 * SCA): ELF interpreters, needed libraries and sonames, commands, pkg-config modules, shebangs, and
 * language runtime directories.
 */
public final class DependencyScanner {

    private static final Set<String> LIBRARY_DIRS = Set.of("lib", "usr/lib", "lib64", "usr/lib64");
    private static final Set<String> COMMAND_DIRS = Set.of("bin", "sbin", "usr/bin", "usr/sbin");
    private static final Set<String> SHEBANG_DIRS = Set.of("usr/bin", "usr/local/bin", "usr/local/sbin");
    private static final Set<String> PKGCONFIG_DIRS = Set.of(
            "usr/lib/pkgconfig",
            "usr/lib64/pkgconfig",
            "usr/share/pkgconfig",
            "usr/local/lib/pkgconfig",
            "usr/local/share/pkgconfig");
    /** Interpreters whose dependency the recipe states itself (their packages are too varied to guess). */
    private static final Set<String> IGNORED_INTERPRETERS = Set.of("python3", "python", "sh", "awk", "luajit");
    /** Libraries the host's GPU driver injects into containers at run time; no package may provide them. */
    private static final List<String> HOST_INJECTED_PREFIXES = List.of(
            "libcuda.so",
            "libcudadebugger.so",
            "libnvidia-",
            "libGLX_nvidia.so",
            "libEGL_nvidia.so",
            "libGLESv2_nvidia.so");

    private static final Pattern LIBVER = Pattern.compile(".*\\.so\\.([0-9.]+)");
    private static final Pattern PYTHON_SITE = Pattern.compile("(?:^|/)python(\\d+\\.\\d+)/site-packages(?:/|$)");
    /**
     * melange's perl analyser: a {@code (usr/)lib/perlN/*_perl} entry, file or directory (an empty
     * {@code core_perl} left by perl/cleanup counts), means the package holds perl modules for perl N.
     */
    private static final Pattern PERL_DIR = Pattern.compile("^(?:usr/)?lib/perl(\\d[^/]*)/[^/]*_perl(?:/|$)");

    private static final Pattern RUBY_GEMS = Pattern.compile("^usr/lib/ruby/gems/(\\d+)\\.(\\d+)\\.\\d+(?:/|$)");
    private static final Pattern PYTHON_BASE = Pattern.compile("python-\\d+\\.\\d+-base");

    /** Scans without knowing the package name (so the name-based analysers, such as docs, are off). */
    public ScanResult scan(Path packageDir, String fullVersion, ScanOptions options) {
        return scan(packageDir, null, fullVersion, options);
    }

    /**
     * Scans a package's files for what they need and provide.
     *
     * @param packageName the package's name, used to skip depending on itself and for {@code -doc} packages;
     *     may be null
     * @param fullVersion {@code VERSION-rN}, written into {@code cmd:}, {@code pc:} and {@code so-ver:} provides
     */
    public ScanResult scan(Path packageDir, @Nullable String packageName, String fullVersion, ScanOptions options) {
        Accumulator acc = new Accumulator();
        Set<String> libraryDirs = new HashSet<>(LIBRARY_DIRS);
        libraryDirs.addAll(LdSoConf.directories(packageDir));
        // one walk: directories count for the perl rule only, every other entry is scanned
        for (Path entry : entries(packageDir)) {
            if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                perlRule(relative(packageDir, entry) + "/", acc);
            } else {
                scanFile(entry, relative(packageDir, entry), fullVersion, libraryDirs, packageName, acc);
            }
        }

        Set<String> selfProvided = new HashSet<>();
        acc.provides.forEach(a -> selfProvided.add(atomName(a)));
        acc.vendored.forEach(a -> selfProvided.add(atomName(a)));
        if (packageName != null) {
            selfProvided.add(packageName);
        }
        SortedSet<String> depends = new TreeSet<>();
        if (!options.noDepends()) {
            for (String d : acc.depends) {
                if (selfProvided.contains(atomName(d))) {
                    continue;
                }
                if (options.noVersionedShlibDeps() && d.startsWith("so-ver:")) {
                    continue;
                }
                depends.add(d);
            }
        }
        SortedSet<String> provides = new TreeSet<>();
        if (!options.noProvides()) {
            for (String p : acc.provides) {
                if (!(options.noCommands() && p.startsWith("cmd:"))) {
                    provides.add(p);
                }
            }
        }
        return new ScanResult(List.copyOf(depends), List.copyOf(provides), List.copyOf(acc.vendored));
    }

    /**
     * Merges the recipe's explicit dependencies with detected ones: sorted, de-duplicated, and without
     * those the package provides itself. A detected {@code python-X.Y-base} is dropped when the recipe
     * already depends on a python package, which pins the interpreter more precisely, and a detected
     * {@code perl~N} when it already depends on {@code perl}, as melange does.
     */
    public static List<String> merge(List<String> explicit, List<String> detected, List<String> provides) {
        Set<String> provided = new HashSet<>();
        provides.forEach(p -> provided.add(atomName(p)));
        boolean explicitPython = explicit.stream().anyMatch(e -> atomName(e).startsWith("python"));
        boolean explicitPerl = explicit.stream().anyMatch(e -> atomName(e).equals("perl"));
        SortedSet<String> merged = new TreeSet<>();
        for (String e : explicit) {
            if (e.startsWith("!") || !provided.contains(atomName(e))) {
                merged.add(e);
            }
        }
        for (String d : detected) {
            if (provided.contains(atomName(d))) {
                continue;
            }
            if (explicitPython && PYTHON_BASE.matcher(d).matches()) {
                continue;
            }
            if (explicitPerl && d.startsWith("perl~")) {
                continue;
            }
            merged.add(d);
        }
        return List.copyOf(merged);
    }

    /** The name part of a dependency or provides atom: {@code so:libc.so.6=6} → {@code so:libc.so.6}. */
    static String atomName(String atom) {
        String a = atom.startsWith("!") ? atom.substring(1) : atom;
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (c == '=' || c == '<' || c == '>' || c == '~') {
                return a.substring(0, i);
            }
        }
        return a;
    }

    private static final class Accumulator {
        final SortedSet<String> depends = new TreeSet<>();
        final SortedSet<String> provides = new TreeSet<>();
        final SortedSet<String> vendored = new TreeSet<>();
    }

    private void scanFile(
            Path file,
            String rel,
            String fullVersion,
            Set<String> libraryDirs,
            @Nullable String packageName,
            Accumulator acc) {
        String dir = parent(rel);
        String base = rel.substring(rel.lastIndexOf('/') + 1);
        boolean symlink = Files.isSymbolicLink(file);

        if (COMMAND_DIRS.contains(dir) && hasAll0555(file)) {
            acc.provides.add("cmd:" + base + "=" + fullVersion);
        }
        pathRules(rel, packageName, acc);
        if (symlink || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (base.endsWith(".pc")) {
            String name = "pc:" + base.substring(0, base.length() - 3) + "=" + fullVersion;
            if (PKGCONFIG_DIRS.contains(dir)) {
                acc.provides.add(name);
                PkgConfigFile.requiredModules(readText(file)).forEach(m -> acc.depends.add("pc:" + m));
            } else {
                acc.vendored.add(name);
            }
            return;
        }
        if (rel.startsWith("usr/lib/debug/")) {
            return; // split debug info: ELF headers without the code they describe
        }
        Optional<ElfFile> maybeElf;
        try {
            maybeElf = ElfFile.read(file);
        } catch (AnalysisException e) {
            return; // a malformed ELF (test data, firmware blobs) cannot be loaded, so needs nothing
        }
        if (maybeElf.isPresent()) {
            scanElf(maybeElf.get(), dir, base, fullVersion, libraryDirs, acc);
        } else if (SHEBANG_DIRS.contains(dir)) {
            shebangInterpreter(file)
                    .filter(i -> !IGNORED_INTERPRETERS.contains(i))
                    .ifPresent(i -> acc.depends.add("cmd:" + i));
        }
    }

    private static void scanElf(
            ElfFile elf, String dir, String base, String fullVersion, Set<String> libraryDirs, Accumulator acc) {
        elf.interpreter().ifPresent(interp -> {
            String loader = interp.substring(interp.lastIndexOf('/') + 1);
            if (loader.startsWith("ld-musl-")) {
                loader = "libc.musl-" + loader.substring("ld-musl-".length());
            }
            acc.depends.add("so:" + loader);
        });
        for (String lib : elf.needed()) {
            if (lib.contains(".so.") && HOST_INJECTED_PREFIXES.stream().noneMatch(lib::startsWith)) {
                acc.depends.add("so:" + lib);
            }
        }
        Optional<String> soname = elf.soname();
        boolean libraryLike = elf.interpreter().isEmpty() || base.endsWith(".so") || base.contains(".so.");
        if (soname.isPresent() && libraryLike) {
            String so = soname.get();
            Matcher m = LIBVER.matcher(so);
            String libver = m.matches() ? m.group(1) : "0";
            List<String> atoms = List.of("so:" + so + "=" + libver, "so-ver:" + so + "=" + fullVersion);
            (libraryDirs.contains(dir) ? acc.provides : acc.vendored).addAll(atoms);
        }
    }

    private static void pathRules(String rel, @Nullable String packageName, Accumulator acc) {
        Matcher python = PYTHON_SITE.matcher(rel);
        if (python.find()) {
            acc.depends.add("python-" + python.group(1) + "-base");
        }
        perlRule(rel, acc);
        Matcher ruby = RUBY_GEMS.matcher(rel);
        if (ruby.find()) {
            acc.depends.add("ruby-" + ruby.group(1) + "." + ruby.group(2));
        }
        if (packageName != null && packageName.endsWith("-doc")) {
            if (rel.startsWith("usr/share/man/") && !rel.equals("usr/share/man/")) {
                acc.depends.add("man-db");
            } else if (rel.startsWith("usr/share/info/")) {
                acc.depends.add("texinfo");
            }
        }
    }

    /** {@code #!/usr/bin/env -S bash -e} → bash; {@code #!/bin/bash -e} → bash. */
    static Optional<String> shebangInterpreter(Path file) {
        byte[] head = new byte[256];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new AnalysisException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("#!")) {
            return Optional.empty();
        }
        int eol = text.indexOf('\n');
        String[] words =
                (eol < 0 ? text.substring(2) : text.substring(2, eol)).trim().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            return Optional.empty();
        }
        String interp = words[0].substring(words[0].lastIndexOf('/') + 1);
        if (interp.equals("env")) {
            interp = null;
            for (int i = 1; i < words.length; i++) {
                if (!words[i].startsWith("-") && !words[i].contains("=")) {
                    interp = words[i].substring(words[i].lastIndexOf('/') + 1);
                    break;
                }
            }
        }
        return Optional.ofNullable(interp).filter(s -> !s.isEmpty());
    }

    private static boolean hasAll0555(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            return perms.containsAll(Set.of(
                    PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.GROUP_READ,
                    PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_READ,
                    PosixFilePermission.OTHERS_EXECUTE));
        } catch (IOException e) {
            throw new AnalysisException("cannot read permissions of " + file + ": " + e.getMessage(), e);
        }
    }

    private static void perlRule(String rel, Accumulator acc) {
        Matcher perl = PERL_DIR.matcher(rel);
        if (perl.find()) {
            acc.depends.add("perl~" + perl.group(1));
        }
    }

    /** Every entry of the package but its root, sorted; links are entries, never followed. */
    static List<Path> entries(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !p.equals(root)).sorted().toList();
        } catch (IOException e) {
            throw new AnalysisException("cannot walk package directory " + root + ": " + e.getMessage(), e);
        }
    }

    /** The package's files and links, directories left out. */
    static List<Path> files(Path root) {
        return entries(root).stream()
                .filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                .toList();
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static String parent(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new AnalysisException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Directories a package adds to the loader's search path through {@code etc/ld.so.conf.d/*.conf}. */
    private static final class LdSoConf {
        static Set<String> directories(Path packageDir) {
            Path confDir = packageDir.resolve("etc/ld.so.conf.d");
            Set<String> dirs = new LinkedHashSet<>();
            if (!Files.isDirectory(confDir)) {
                return dirs;
            }
            List<Path> confs = new ArrayList<>();
            try (Stream<Path> list = Files.list(confDir)) {
                list.filter(p -> p.toString().endsWith(".conf")).sorted().forEach(confs::add);
            } catch (IOException e) {
                throw new AnalysisException("cannot list " + confDir + ": " + e.getMessage(), e);
            }
            for (Path conf : confs) {
                for (String line : readText(conf).split("\n")) {
                    String d = line.strip();
                    if (d.startsWith("/") && !d.startsWith("#")) {
                        dirs.add(d.replaceAll("^/+", "").replaceAll("/+$", ""));
                    }
                }
            }
            return dirs;
        }
    }
}
