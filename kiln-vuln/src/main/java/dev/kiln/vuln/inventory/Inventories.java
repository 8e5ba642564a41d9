package dev.kiln.vuln.inventory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Inventories a root filesystem: distribution, OS packages, then language packages with their evidence. */
public final class Inventories {
    private static final List<String> JAVA_EXTENSIONS =
            List.of(".jar", ".war", ".ear", ".par", ".sar", ".nar", ".jpi", ".hpi", ".kar");

    private Inventories() {}

    public static Inventory of(Rootfs fs) {
        OsRelease os = distribution(fs);
        List<InventoryPackage> packages = new ArrayList<>();
        packages.addAll(ApkCataloger.catalog(fs, os));
        packages.addAll(DpkgCataloger.catalog(fs, os));
        packages.addAll(PythonCataloger.catalog(fs));
        packages.addAll(JavaCataloger.catalog(fs));
        packages.addAll(NpmCataloger.catalog(fs));
        packages.addAll(GoBinaryCataloger.catalog(fs));
        return new Inventory(os, packages);
    }

    /**
     * {@code /etc/os-release}; when it is missing or names no {@code ID}, the distribution its package data
     * points to: the APK repositories ({@code .../alpine/v3.18/main}, {@code packages.wolfi.dev}) or the dpkg
     * origin ({@code /etc/dpkg/origins/default}) with {@code /etc/debian_version}.
     */
    static OsRelease distribution(Rootfs fs) {
        OsRelease os = fs.read("etc/os-release")
                .or(() -> fs.read("usr/lib/os-release"))
                .map(OsRelease::parse)
                .orElse(OsRelease.UNKNOWN);
        if (!os.id().isEmpty()) {
            return os;
        }
        String repos = fs.read("etc/apk/repositories")
                .map(b -> new String(b, StandardCharsets.UTF_8))
                .orElse("");
        for (String line : repos.split("\n")) {
            java.util.regex.Matcher alpine = ALPINE_REPO.matcher(line);
            if (alpine.find()) {
                return new OsRelease("alpine", alpine.group(1), "", "", "");
            }
            if (line.contains("packages.wolfi.dev")) {
                return new OsRelease("wolfi", "", "", "", "");
            }
        }
        String vendor = fs.read("etc/dpkg/origins/default")
                .map(b -> new String(b, StandardCharsets.UTF_8))
                .orElse("")
                .lines()
                .filter(l -> l.startsWith("Vendor:"))
                .map(l -> l.substring(7).trim().toLowerCase(Locale.ROOT))
                .findFirst()
                .orElse("");
        if (!vendor.isEmpty()) {
            String version = vendor.equals("debian")
                    ? fs.read("etc/debian_version")
                            .map(b -> new String(b, StandardCharsets.UTF_8).trim())
                            .filter(v -> v.matches("[0-9.]+"))
                            .orElse("")
                    : "";
            return new OsRelease(vendor, version, "", "", "");
        }
        return os;
    }

    private static final java.util.regex.Pattern ALPINE_REPO =
            java.util.regex.Pattern.compile("/alpine/v([0-9]+\\.[0-9]+)/");

    static boolean isJavaArchive(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return JAVA_EXTENSIONS.stream().anyMatch(lower::endsWith);
    }
}
