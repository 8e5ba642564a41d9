package dev.kiln.apk;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One APKINDEX record (apk.md §7.2). {@code size} is the {@code .apk} file size ({@code S}),
 * {@code installedSize} the {@code .PKGINFO} size ({@code I}); a null/0 optional is omitted.
 */
public record IndexEntry(
        String checksum,
        String name,
        String version,
        @Nullable String arch,
        long size,
        long installedSize,
        String description,
        String url,
        String license,
        @Nullable String origin,
        @Nullable String maintainer,
        long buildTime,
        @Nullable String commit,
        @Nullable Integer providerPriority,
        List<String> depends,
        List<String> provides,
        List<String> installIf) {

    public IndexEntry {
        if (checksum == null || !checksum.startsWith("Q1")) {
            throw new ApkException("index entry " + name + ": C: must be a Q1 identity hash, got '" + checksum + "'");
        }
        if (name == null || name.isEmpty() || version == null || version.isEmpty()) {
            throw new ApkException(
                    "index entry " + checksum + " needs P: and V:, got '" + name + "' '" + version + "'");
        }
        // Normalised to what the text form can express, so parse(render(e)) equals e. The null checks
        // stay for callers outside the NullAway-checked modules.
        arch = emptyToNull(arch);
        origin = emptyToNull(origin);
        maintainer = emptyToNull(maintainer);
        commit = emptyToNull(commit);
        description = description == null ? "" : description;
        url = url == null ? "" : url;
        license = license == null ? "" : license;
        if (providerPriority != null && providerPriority == 0) {
            providerPriority = null;
        }
        depends = depends == null ? List.of() : List.copyOf(depends);
        provides = provides == null ? List.of() : List.copyOf(provides);
        installIf = installIf == null ? List.of() : List.copyOf(installIf);
    }

    private static @Nullable String emptyToNull(@Nullable String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String nullToEmpty(@Nullable String s) {
        return s == null ? "" : s;
    }

    public static IndexEntry of(WrittenApk apk) {
        return of(apk.pkgInfo(), apk.identity(), apk.fileSize());
    }

    public static IndexEntry of(ApkPackage apk, long fileSize) {
        return of(apk.pkgInfo(), apk.identity(), fileSize);
    }

    public static IndexEntry of(PkgInfo p, String identity, long fileSize) {
        return new IndexEntry(
                identity,
                p.name(),
                p.version(),
                p.arch(),
                fileSize,
                p.size(),
                nullToEmpty(p.description()),
                nullToEmpty(p.url()),
                nullToEmpty(p.license()),
                p.origin(),
                p.maintainer(),
                p.builddate(),
                p.commit(),
                p.providerPriority(),
                p.depends(),
                p.provides(),
                p.installIf());
    }

    /** The record in apk-tools' order and omissions, without the separating blank line. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        line(sb, 'C', checksum, true);
        line(sb, 'P', name, true);
        line(sb, 'V', version, true);
        line(sb, 'A', arch, false);
        line(sb, 'S', Long.toString(size), true);
        line(sb, 'I', Long.toString(installedSize), true);
        line(sb, 'T', description, true);
        line(sb, 'U', url, true);
        line(sb, 'L', license, true);
        line(sb, 'o', origin, false);
        line(sb, 'm', maintainer, false);
        line(sb, 't', buildTime == 0 ? null : Long.toString(buildTime), false);
        line(sb, 'c', commit, false);
        line(sb, 'k', providerPriority == null || providerPriority == 0 ? null : providerPriority.toString(), false);
        line(sb, 'D', String.join(" ", depends), false);
        line(sb, 'p', String.join(" ", provides), false);
        line(sb, 'i', String.join(" ", installIf), false);
        return sb.toString();
    }

    private static void line(StringBuilder sb, char letter, @Nullable String value, boolean always) {
        if (value == null || value.isEmpty()) {
            if (!always) {
                return;
            }
            value = "";
        }
        if (value.indexOf('\n') >= 0) {
            throw new ApkException("index field " + letter + ": value must be one line, got '" + value + "'");
        }
        sb.append(letter).append(':').append(value).append('\n');
    }

    /** Parses one record; unknown letters are ignored (apk-tools marks unknown uppercase ones uninstallable). */
    static IndexEntry parse(List<String> lines, int firstLine) {
        String c = null, p = null, v = null, a = null, t = null, u = null, l = null, o = null, m = null, cm = null;
        long s = 0, i = 0, bt = 0;
        Integer k = null;
        List<String> d = List.of(), pr = List.of(), ii = List.of();
        int n = firstLine;
        for (String line : lines) {
            if (line.length() < 2 || line.charAt(1) != ':') {
                throw new ApkException("APKINDEX line " + n + ": expected 'X:value', got '" + line + "'");
            }
            String value = line.substring(2);
            try {
                switch (line.charAt(0)) {
                    case 'C' -> c = value;
                    case 'P' -> p = value;
                    case 'V' -> v = value;
                    case 'A' -> a = value;
                    case 'S' -> s = Long.parseLong(value);
                    case 'I' -> i = Long.parseLong(value);
                    case 'T' -> t = value;
                    case 'U' -> u = value;
                    case 'L' -> l = value;
                    case 'o' -> o = value;
                    case 'm' -> m = value;
                    case 't' -> bt = Long.parseLong(value);
                    case 'c' -> cm = value;
                    case 'k' -> k = Integer.valueOf(value);
                    case 'D' -> d = words(value);
                    case 'p' -> pr = words(value);
                    case 'i' -> ii = words(value);
                    default -> {
                        // unknown field
                    }
                }
            } catch (NumberFormatException e) {
                throw new ApkException(
                        "APKINDEX line " + n + ": '" + line.charAt(0) + "' must be a number, got '" + value + "'", e);
            }
            n++;
        }
        if (c == null || p == null || v == null) {
            throw new ApkException("APKINDEX record at line " + firstLine + " needs C:, P: and V:, got C:'" + c
                    + "' P:'" + p + "' V:'" + v + "'");
        }
        return new IndexEntry(
                c, p, v, a, s, i, nullToEmpty(t), nullToEmpty(u), nullToEmpty(l), o, m, bt, cm, k, d, pr, ii);
    }

    private static List<String> words(String value) {
        String trimmed = value.trim();
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
    }
}
