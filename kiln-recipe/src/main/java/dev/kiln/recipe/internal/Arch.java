package dev.kiln.recipe.internal;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Per-architecture names: Go arch and GNU/Rust triplets (apko pkg/build/types/types.go). */
public record Arch(String apk, String go, String gnuPrefix, String rustPrefix, String gnuSuffix) {
    private static final Map<String, Arch> ALL = Map.of(
            "x86_64", new Arch("x86_64", "amd64", "x86_64-pc-linux-", "x86_64-unknown-linux-", ""),
            "aarch64", new Arch("aarch64", "arm64", "aarch64-unknown-linux-", "aarch64-unknown-linux-", ""),
            "x86", new Arch("x86", "386", "i486-pc-linux-", "i686-unknown-linux-", ""),
            "armhf", new Arch("armhf", "arm", "arm-unknown-linux-", "arm-unknown-linux-", "eabihf"),
            "armv7", new Arch("armv7", "arm", "armv7l-unknown-linux-", "armv7-unknown-linux-", "eabihf"),
            "ppc64le", new Arch("ppc64le", "ppc64le", "powerpc64le-unknown-linux-", "powerpc64le-unknown-linux-", ""),
            "s390x", new Arch("s390x", "s390x", "s390x-ibm-linux-", "s390x-unknown-linux-", ""),
            "riscv64", new Arch("riscv64", "riscv64", "riscv64-unknown-linux-", "riscv64gc-unknown-linux-", ""),
            "loongarch64",
                    new Arch("loongarch64", "loong64", "loongarch64-unknown-linux-", "loongarch64-unknown-linux-", ""));

    /** Returns null for an unknown APK arch. */
    public static @Nullable Arch of(String apk) {
        return ALL.get(apk);
    }

    public static java.util.Set<String> names() {
        return new java.util.TreeSet<>(ALL.keySet());
    }

    public String gnu(String libc) {
        return gnuPrefix + libc + gnuSuffix;
    }

    public String rust(String libc) {
        return rustPrefix + libc + gnuSuffix;
    }
}
