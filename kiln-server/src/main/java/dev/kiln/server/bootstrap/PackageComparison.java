package dev.kiln.server.bootstrap;

import dev.kiln.apk.ApkEntry;
import dev.kiln.apk.ApkPackage;
import dev.kiln.apk.ApkReader;
import dev.kiln.content.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * One package of stage 2 against the same package of stage 3: identical when the {@code .apk} files have
 * the same SHA-256; otherwise the first file (in path order, then the control files) that tells them apart.
 *
 * @param recipe     the recipe that built it
 * @param file       the package's file name, {@code NAME-VERSION-rN.apk}
 * @param verdict    the outcome
 * @param sha256A    the stage-2 digest (null when missing)
 * @param sha256B    the stage-3 digest (null when missing)
 * @param difference what differs first, e.g. {@code usr/bin/cc: content}; null when identical
 */
public record PackageComparison(
        String recipe,
        String file,
        Verdict verdict,
        @Nullable String sha256A,
        @Nullable String sha256B,
        @Nullable String difference) {
    public enum Verdict {
        IDENTICAL,
        DIFFERENT,
        MISSING
    }

    public boolean identical() {
        return verdict == Verdict.IDENTICAL;
    }

    /** Compares {@code a} and {@code b}, either of which may be absent. */
    public static PackageComparison of(String recipe, String file, @Nullable Path a, @Nullable Path b) {
        String shaA = a != null && Files.isRegularFile(a) ? Digest.sha256(a).hex() : null;
        String shaB = b != null && Files.isRegularFile(b) ? Digest.sha256(b).hex() : null;
        if (a == null || b == null || shaA == null || shaB == null) {
            String missing = shaA == null ? "missing from stage 2" : "missing from stage 3";
            return new PackageComparison(recipe, file, Verdict.MISSING, shaA, shaB, missing);
        }
        if (shaA.equals(shaB)) {
            return new PackageComparison(recipe, file, Verdict.IDENTICAL, shaA, shaB, null);
        }
        return new PackageComparison(
                recipe, file, Verdict.DIFFERENT, shaA, shaB, firstDifference(ApkReader.read(a), ApkReader.read(b)));
    }

    /** The first data entry (by path) whose kind, mode, owner, size, target or content differs, else a control file. */
    static String firstDifference(ApkPackage a, ApkPackage b) {
        Map<String, ApkEntry> entriesA = byPath(a.entries());
        Map<String, ApkEntry> entriesB = byPath(b.entries());
        TreeSet<String> paths = new TreeSet<>(entriesA.keySet());
        paths.addAll(entriesB.keySet());
        for (String path : paths) {
            ApkEntry x = entriesA.get(path);
            ApkEntry y = entriesB.get(path);
            if (x == null || y == null) {
                return path + ": only in stage " + (x == null ? 3 : 2);
            }
            String what = entryDifference(x, y);
            if (what != null) {
                return path + ": " + what;
            }
        }
        TreeSet<String> control = new TreeSet<>(a.controlFiles().keySet());
        control.addAll(b.controlFiles().keySet());
        for (String name : control) {
            if (!Arrays.equals(a.controlFiles().get(name), b.controlFiles().get(name))) {
                return name + ": content";
            }
        }
        return "the compressed streams or the signature (every file is the same)";
    }

    private static @Nullable String entryDifference(ApkEntry x, ApkEntry y) {
        if (x.type() != y.type()) {
            return "type " + x.type() + " vs " + y.type();
        }
        if (x.mode() != y.mode()) {
            return "mode " + Integer.toOctalString(x.mode()) + " vs " + Integer.toOctalString(y.mode());
        }
        if (x.uid() != y.uid() || x.gid() != y.gid()) {
            return "owner " + x.uid() + ":" + x.gid() + " vs " + y.uid() + ":" + y.gid();
        }
        if (!Objects.equals(x.linkTarget(), y.linkTarget())) {
            return "link target " + x.linkTarget() + " vs " + y.linkTarget();
        }
        if (x.size() != y.size()) {
            return "size " + x.size() + " vs " + y.size();
        }
        if (!Objects.equals(x.sha1Checksum(), y.sha1Checksum())) {
            return "content";
        }
        if (!x.xattrs().keySet().equals(y.xattrs().keySet())
                || x.xattrs().entrySet().stream()
                        .anyMatch(e -> !Arrays.equals(e.getValue(), y.xattrs().get(e.getKey())))) {
            return "extended attributes";
        }
        return null;
    }

    private static Map<String, ApkEntry> byPath(List<ApkEntry> entries) {
        Map<String, ApkEntry> map = new LinkedHashMap<>();
        entries.forEach(e -> map.put(e.path(), e));
        return map;
    }
}
