package dev.kiln.build.analysis;

import dev.kiln.recipe.LintFinding.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * melange's package linters (recipes.md §12.2), with the same names and defaults: required ones fail
 * the build unless a package's {@code checks.disabled} lists them, which turns them into warnings;
 * warning ones only report; {@code empty} and {@code documentation} are off.
 */
public final class PackageLinter {

    /** Linters that fail the build by default. */
    public static final Set<String> REQUIRED =
            Set.of("dev", "setuidgid", "tempdir", "varempty", "worldwrite", "infodir", "usrmerge", "libtool/la-files");
    /** Linters that only warn. */
    public static final Set<String> WARNING = Set.of("opt", "object", "srv", "usrlocal", "staticarchive", "strip");

    private static final Pattern TEMPDIR = Pattern.compile("^(var/)?(tmp|run)(/|$)");
    private static final List<String> USRMERGE_DIRS = List.of("sbin", "bin", "usr/sbin", "lib", "lib64");
    private static final Pattern LIBRARY_NAME = Pattern.compile(".*\\.(so|a|dylib)(\\.[0-9.]+)?$");
    private static final String SBOM_DIR = "var/lib/db/sbom/";

    private record Entry(String rel, Path file, boolean directory, boolean regular, int mode) {}

    /** Tree linters report the first offending path once, with a count, rather than every file under /opt. */
    private record TreeRule(String linter, BiPredicate<String, Entry> matches, String message) {}

    private static List<TreeRule> treeRules() {
        return List.of(
                new TreeRule("dev", (pkg, e) -> e.rel().startsWith("dev/"), "package writes to /dev"),
                new TreeRule(
                        "tempdir",
                        (pkg, e) -> TEMPDIR.matcher(e.rel()).find() && !e.directory(),
                        "package writes to a temporary directory (/tmp, /run, /var/tmp, /var/run)"),
                new TreeRule("varempty", (pkg, e) -> e.rel().startsWith("var/empty/"), "package writes to /var/empty"),
                new TreeRule(
                        "infodir",
                        (pkg, e) ->
                                e.rel().equals("usr/share/info/dir") || e.rel().startsWith("usr/share/info/dir/"),
                        "package contains /usr/share/info/dir (remove it, e.g. with split/infodir)"),
                new TreeRule(
                        "usrmerge",
                        (pkg, e) -> violatesUsrmerge(e),
                        "path violates usrmerge: install to /usr/bin and /usr/lib"),
                new TreeRule(
                        "opt",
                        (pkg, e) -> !pkg.endsWith("-compat") && e.rel().startsWith("opt/"),
                        "package writes to /opt (should be a -compat package)"),
                new TreeRule(
                        "srv",
                        (pkg, e) -> !pkg.endsWith("-compat") && e.rel().startsWith("srv/"),
                        "package writes to /srv (should be a -compat package)"),
                new TreeRule(
                        "usrlocal",
                        (pkg, e) -> !pkg.endsWith("-compat") && e.rel().startsWith("usr/local/"),
                        "/usr/local path in a non-compat package"));
    }

    /**
     * Returns findings ordered by linter, then path.
     *
     * @param packageName used for the {@code -compat} and {@code -dev} exemptions
     * @param disabledChecks the package's {@code checks.disabled}: required linters listed there report
     *     warnings, warning linters listed there are skipped
     */
    public List<PackageLintFinding> lint(Path packageDir, String packageName, Set<String> disabledChecks) {
        List<Entry> entries = entries(packageDir);
        Map<String, List<PackageLintFinding>> byLinter = new LinkedHashMap<>();

        for (TreeRule rule : treeRules()) {
            List<Entry> hits = entries.stream()
                    .filter(e -> rule.matches().test(packageName, e))
                    .toList();
            if (!hits.isEmpty()) {
                String more = hits.size() > 1 ? " (and " + (hits.size() - 1) + " more paths)" : "";
                add(byLinter, rule.linter(), hits.get(0).rel(), rule.message() + more);
            }
        }
        for (Entry e : entries) {
            if (e.regular() && (e.mode() & 07000) != 0) {
                add(
                        byLinter,
                        "setuidgid",
                        e.rel(),
                        "file has special permissions " + Integer.toOctalString(e.mode() & 07777) + " ("
                                + specialBits(e.mode()) + ")");
            }
            if (e.regular() && (e.mode() & 0002) != 0) {
                add(
                        byLinter,
                        "worldwrite",
                        e.rel(),
                        ((e.mode() & 0111) != 0
                                        ? "world-writable executable file (security risk), mode "
                                        : "world-writable file, mode ")
                                + Integer.toOctalString(e.mode() & 07777));
            }
            if (e.directory()) {
                continue;
            }
            if (e.rel().endsWith(".la") && isLibraryDir(e.rel())) {
                add(byLinter, "libtool/la-files", e.rel(), "libtool archive (.la) in the package; remove it");
            }
            if (e.rel().endsWith(".o")) {
                add(byLinter, "object", e.rel(), "intermediate object file (.o); usually it should be removed");
            }
            // as melange's: a -dev or -static package is where static archives belong
            if (e.rel().endsWith(".a") && !packageName.endsWith("-dev") && !packageName.endsWith("-static")) {
                add(
                        byLinter,
                        "staticarchive",
                        e.rel(),
                        "static archive outside a -dev or -static package; move it there or remove it");
            }
            if (e.regular() && !e.rel().startsWith(SBOM_DIR) && isStripCandidate(e) && hasDebugInfo(e.file())) {
                add(byLinter, "strip", e.rel(), "ELF file is not stripped (has .debug_* sections)");
            }
        }

        List<PackageLintFinding> findings = new ArrayList<>();
        byLinter.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(byName -> {
            String linter = byName.getKey();
            boolean required = REQUIRED.contains(linter);
            boolean disabled = disabledChecks.contains(linter);
            if (!required && disabled) {
                return;
            }
            Severity severity = required && !disabled ? Severity.ERROR : Severity.WARNING;
            byName.getValue().stream()
                    .sorted((a, b) -> a.path().compareTo(b.path()))
                    .forEach(f -> findings.add(new PackageLintFinding(linter, severity, f.path(), f.message())));
        });
        return List.copyOf(findings);
    }

    private static void add(
            Map<String, List<PackageLintFinding>> byLinter, String linter, String path, String message) {
        byLinter.computeIfAbsent(linter, k -> new ArrayList<>())
                .add(new PackageLintFinding(linter, Severity.WARNING, path, message));
    }

    private static boolean violatesUsrmerge(Entry e) {
        if (e.rel().startsWith(SBOM_DIR)) {
            return false;
        }
        for (String d : USRMERGE_DIRS) {
            // The top-level name itself is fine as a symlink (the base layout's own links).
            if (e.rel().equals(d)) {
                return e.directory() || e.regular();
            }
            if (e.rel().startsWith(d + "/")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLibraryDir(String rel) {
        return rel.startsWith("usr/lib") || rel.startsWith("lib");
    }

    private static boolean isStripCandidate(Entry e) {
        return (e.mode() & 0111) != 0 || LIBRARY_NAME.matcher(e.rel()).matches();
    }

    private static boolean hasDebugInfo(Path file) {
        try {
            Optional<ElfFile> elf = ElfFile.read(file);
            return elf.isPresent() && elf.get().hasDebugInfo();
        } catch (AnalysisException e) {
            return false;
        }
    }

    private static String specialBits(int mode) {
        List<String> parts = new ArrayList<>();
        if ((mode & 04000) != 0) {
            parts.add("setuid");
        }
        if ((mode & 02000) != 0) {
            parts.add("setgid");
        }
        if ((mode & 01000) != 0) {
            parts.add("sticky");
        }
        return String.join("+", parts);
    }

    private static List<Entry> entries(Path root) {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(p -> !p.equals(root)).sorted()::iterator) {
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                entries.add(new Entry(
                        DependencyScanner.relative(root, p),
                        p,
                        Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS),
                        Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS),
                        mode));
            }
        } catch (IOException e) {
            throw new AnalysisException("cannot walk package directory " + root + ": " + e.getMessage(), e);
        }
        return entries;
    }
}
