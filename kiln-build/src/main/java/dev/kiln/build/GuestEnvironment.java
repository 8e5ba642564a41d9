package dev.kiln.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The environment every build step starts from: a fixed PATH, the build home, the source date
 * and, unless the environment's compiler hardens by itself, the hardening flags. Recipe and step variables
 * are laid over it, so a recipe that writes {@code CFLAGS="$CFLAGS -O3"} keeps the hardening.
 */
public final class GuestEnvironment {
    public static final String GUEST_HOME = "/home/build";
    public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin";

    /**
     * The spec file Kiln's gcc package installs in gcc's library directory
     * ({@code usr/lib/gcc/TRIPLET/MAJOR/}), which its {@code /usr/local/bin} driver wrappers pass with
     * {@code -specs}, as Wolfi's openssf-compiler-options does (../shared/reference/bootstrap.md, section 2).
     */
    public static final String HARDENING_SPEC = "kiln-hardening.spec";

    private GuestEnvironment() {}

    /**
     * Whether the compiler in {@code rootfs} applies the hardening to every compile and link itself: a hermetic
     * root holding Kiln's gcc with its {@link #HARDENING_SPEC}. Such builds get no CFLAGS/LDFLAGS from Kiln, as
     * in melange, because flags in the environment miss Makefiles that ignore them and break others (-pie in
     * LDFLAGS of a shared library). The host toolchain ({@code rootfs} null) never does.
     */
    public static boolean compilerHardens(@Nullable Path rootfs) {
        if (rootfs == null) {
            return false;
        }
        Path gccLib = rootfs.resolve("usr/lib/gcc");
        if (!Files.isDirectory(gccLib, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> triplets = Files.list(gccLib)) {
            for (Path triplet : triplets.toList()) {
                if (!Files.isDirectory(triplet, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (Stream<Path> versions = Files.list(triplet)) {
                    if (versions.anyMatch(v -> Files.isRegularFile(v.resolve(HARDENING_SPEC)))) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for " + HARDENING_SPEC + " under " + gccLib, e);
        }
    }

    /** Hardening flags per architecture: fortify, stack protector, PIE, RELRO, BIND_NOW, CET or BTI. */
    public static Map<String, String> hardeningFlags(String arch) {
        String cet = switch (arch) {
            case "x86_64" -> " -fcf-protection=full";
            case "aarch64" -> " -mbranch-protection=standard";
            default -> "";
        };
        String cflags = "-O2 -pipe -fstack-protector-strong -fstack-clash-protection -fPIE" + cet
                + " -Wformat -Werror=format-security";
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CPPFLAGS", "-D_FORTIFY_SOURCE=3");
        env.put("CFLAGS", cflags + " -D_FORTIFY_SOURCE=3");
        env.put("CXXFLAGS", cflags + " -D_FORTIFY_SOURCE=3");
        env.put("LDFLAGS", "-pie -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--as-needed");
        return env;
    }

    /** Base environment with the hardening flags, then the recipe's variables, then the step's. */
    public static Map<String, String> forStep(
            String arch, long sourceDateEpoch, Map<String, String> recipeEnv, Map<String, String> stepEnv) {
        return forStep(arch, sourceDateEpoch, false, recipeEnv, stepEnv);
    }

    /**
     * Base environment, then the recipe's variables, then the step's. The hardening flags are left out when
     * {@code compilerHardens} (see {@link #compilerHardens}): CFLAGS, CXXFLAGS, CPPFLAGS and LDFLAGS are then
     * unset unless the recipe sets them, as in melange.
     */
    public static Map<String, String> forStep(
            String arch,
            long sourceDateEpoch,
            boolean compilerHardens,
            Map<String, String> recipeEnv,
            Map<String, String> stepEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", PATH);
        env.put("HOME", GUEST_HOME);
        env.put("LANG", "C.UTF-8");
        env.put("SOURCE_DATE_EPOCH", Long.toString(sourceDateEpoch));
        if (!compilerHardens) {
            env.putAll(hardeningFlags(arch));
        }
        env.putAll(recipeEnv);
        env.putAll(stepEnv);
        return env;
    }

    /** The script a shell step runs: strict mode, enter (and create) the working directory, the fragment. */
    public static String script(String workingDirectory, String fragment) {
        String wd = shellQuote(workingDirectory);
        return "set -eo pipefail\n"
                + "[ -d " + wd + " ] || mkdir -p " + wd + "\n"
                + "cd " + wd + "\n"
                + fragment + (fragment.endsWith("\n") ? "" : "\n")
                + "exit 0\n";
    }

    /** Single-quotes a word for POSIX sh. */
    public static String shellQuote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
