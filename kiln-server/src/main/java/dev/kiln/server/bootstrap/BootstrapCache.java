package dev.kiln.server.bootstrap;

import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a bootstrap keeps what survives between runs, like Maven's {@code ~/.m2}: by default
 * {@code $XDG_CACHE_HOME/kiln/bootstrap}, else {@code ~/.cache/kiln/bootstrap}. Layout:
 *
 * <pre>
 * stage-N/            the APK repository of stage N (packages under ARCH/, signed index)
 * stage-N.inputs/     one RECIPE.inputs per recipe: the hash of what it was built from, and its packages
 * sources/            the source cache (tarballs by checksum) and the installed-environment cache
 * keys/bootstrap.rsa  the key that signs every stage's packages, created on first use
 * logs/stage-N/       the full log of each build
 * work/               temporary workspaces
 * </pre>
 */
public record BootstrapCache(Path root) {
    public static final int STAGES = 3;

    /** The cache at {@code dir} when given (a command's option), else {@link #defaultFor the default}. */
    public static BootstrapCache at(@Nullable Path dir, Map<String, String> env) {
        return dir != null ? new BootstrapCache(dir) : defaultFor(env);
    }

    /** The default root for the process environment {@code env}. */
    public static BootstrapCache defaultFor(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base;
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            base = Path.of(xdg);
        } else {
            String home = env.getOrDefault("HOME", System.getProperty("user.home"));
            base = Path.of(home, ".cache");
        }
        return new BootstrapCache(base.resolve("kiln").resolve("bootstrap"));
    }

    public Path repository(int stage) {
        return root.resolve("stage-" + stage);
    }

    public Path inputs(int stage, String recipe) {
        return root.resolve("stage-" + stage + ".inputs").resolve(recipe + ".inputs");
    }

    public Path sources() {
        return root.resolve("sources");
    }

    public Path signingKey() {
        return root.resolve("keys").resolve("bootstrap.rsa");
    }

    public Path logs(int stage) {
        return root.resolve("logs").resolve("stage-" + stage);
    }

    public Path work() {
        return root.resolve("work");
    }
}
