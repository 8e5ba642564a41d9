package dev.kiln.build;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment every build step starts from: a fixed PATH, the build home, the source date
 * and the hardening flags. Recipe and step variables are laid over it, so a recipe that writes
 * {@code CFLAGS="$CFLAGS -O3"} keeps the hardening.
 */
public final class GuestEnvironment {
    public static final String GUEST_HOME = "/home/build";
    public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin";

    private GuestEnvironment() {}

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

    /** Base environment, then the recipe's variables, then the step's. */
    public static Map<String, String> forStep(
            String arch, long sourceDateEpoch, Map<String, String> recipeEnv, Map<String, String> stepEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", PATH);
        env.put("HOME", GUEST_HOME);
        env.put("LANG", "C.UTF-8");
        env.put("SOURCE_DATE_EPOCH", Long.toString(sourceDateEpoch));
        env.putAll(hardeningFlags(arch));
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
