package dev.kiln.oci;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An OCI platform {@code os/architecture[/variant]} and its APK architecture name (images.md §7).
 * {@code variant} is null when absent.
 */
public record Platform(
        String os, String architecture, @Nullable String variant) implements Comparable<Platform> {
    /** APK name, OCI architecture, OCI variant; the order of apko's {@code archs} list. */
    private static final List<String[]> ARCHS = List.of(
            new String[] {"x86", "386", null},
            new String[] {"x86_64", "amd64", null},
            new String[] {"aarch64", "arm64", "v8"},
            new String[] {"armhf", "arm", "v6"},
            new String[] {"armv7", "arm", "v7"},
            new String[] {"ppc64le", "ppc64le", null},
            new String[] {"riscv64", "riscv64", null},
            new String[] {"s390x", "s390x", null},
            new String[] {"loongarch64", "loong64", null});

    public Platform {
        if (os == null || os.isEmpty() || architecture == null || architecture.isEmpty()) {
            throw new OciException("platform needs os and architecture, got '" + os + "/" + architecture + "'");
        }
        if (variant != null && variant.isEmpty()) {
            variant = null;
        }
    }

    public static Platform linux(String architecture, @Nullable String variant) {
        return new Platform("linux", architecture, variant);
    }

    /** The platform of an APK architecture, e.g. {@code aarch64} → {@code linux/arm64/v8}. */
    public static Platform fromApkArch(String apkArch) {
        for (String[] a : ARCHS) {
            if (a[0].equals(apkArch)) {
                return linux(a[1], a[2]);
            }
        }
        throw new OciException("unknown APK architecture '" + apkArch + "'; expected one of " + apkNames());
    }

    /**
     * Parses an apko {@code archs} entry or a platform string: an APK name ({@code x86_64}), an OCI
     * architecture with optional variant ({@code arm64}, {@code arm/v7}) or {@code os/arch[/variant]}.
     */
    public static Platform parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new OciException("platform is empty");
        }
        for (String[] a : ARCHS) {
            if (a[0].equals(text)) {
                return linux(a[1], a[2]);
            }
        }
        String[] parts = text.split("/", -1);
        int i = 0;
        if (parts.length >= 2 && parts[0].equals("linux")) {
            i = 1;
        }
        if (parts.length - i < 1 || parts.length - i > 2) {
            throw new OciException("platform '" + text + "' must be ARCH, ARCH/VARIANT or OS/ARCH[/VARIANT]");
        }
        String arch = parts[i];
        String variant = parts.length - i == 2 ? parts[i + 1] : null;
        for (String[] a : ARCHS) {
            if (a[1].equals(arch) && (variant == null || variant.equals(a[2]))) {
                // arm without a variant means v7 in Docker's defaults; apko's "arm/v6" names armhf.
                if (arch.equals("arm") && variant == null && !"v7".equals(a[2])) {
                    continue;
                }
                return linux(a[1], a[2]);
            }
        }
        throw new OciException("unknown architecture '" + text + "'; expected one of " + apkNames()
                + " or their OCI names (amd64, arm64, arm/v6, arm/v7, 386, ppc64le, riscv64, s390x, loong64)");
    }

    /** The APK architecture name of this platform. */
    public String apkArch() {
        for (String[] a : ARCHS) {
            if (a[1].equals(architecture) && (a[2] == null || variant == null || a[2].equals(variant))) {
                if (architecture.equals("arm") && variant == null && !"v7".equals(a[2])) {
                    continue;
                }
                return a[0];
            }
        }
        throw new OciException("platform " + this + " has no APK architecture");
    }

    @Override
    public int compareTo(Platform o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }

    private static List<String> apkNames() {
        return ARCHS.stream().map(a -> a[0]).toList();
    }
}
