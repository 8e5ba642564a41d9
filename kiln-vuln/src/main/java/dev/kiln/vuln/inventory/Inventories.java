package dev.kiln.vuln.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Inventories a root filesystem: distribution, OS packages, then language packages with their evidence. */
public final class Inventories {
    private static final List<String> JAVA_EXTENSIONS = List.of(".jar", ".war", ".ear", ".par", ".sar", ".nar",
            ".jpi", ".hpi", ".kar");

    private Inventories() {
    }

    public static Inventory of(Rootfs fs) {
        OsRelease os = fs.read("etc/os-release").or(() -> fs.read("usr/lib/os-release")).map(OsRelease::parse)
                .orElse(OsRelease.UNKNOWN);
        List<InstalledPackage> packages = new ArrayList<>();
        packages.addAll(ApkCataloger.catalog(fs, os));
        packages.addAll(DpkgCataloger.catalog(fs, os));
        packages.addAll(PythonCataloger.catalog(fs));
        packages.addAll(JavaCataloger.catalog(fs));
        packages.addAll(NpmCataloger.catalog(fs));
        packages.addAll(GoBinaryCataloger.catalog(fs));
        return new Inventory(os, packages);
    }

    static boolean isJavaArchive(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return JAVA_EXTENSIONS.stream().anyMatch(lower::endsWith);
    }
}
