package dev.kiln.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The one guard for tests that need a program the machine may lack (skopeo, umoci, npm, PostgreSQL,
 * Chromium, …). On a developer's machine a missing program skips the test, naming the command that
 * installs it; in CI ({@code CI=true}) it fails the test with that command instead, so that a CI
 * machine which lost a package cannot turn an interoperability check green by skipping it.
 */
public final class Tools {
    private Tools() {}

    /** True when {@code program} is an executable file in one of the {@code PATH} directories. */
    public static boolean onPath(String program) {
        return onPath(program, System.getenv());
    }

    /** Skips (or, in CI, fails) the calling test unless {@code program} is on the {@code PATH}. */
    public static void require(String program, String install) {
        require(onPath(program), program + " is not on the PATH", install);
    }

    /**
     * Skips (or, in CI, fails) the calling test unless {@code present}; {@code missing} says what is
     * missing and {@code install} is the command that installs it.
     */
    public static void require(boolean present, String missing, String install) {
        require(present, missing, install, System.getenv());
    }

    static void require(boolean present, String missing, String install, Map<String, String> env) {
        if (present) {
            return;
        }
        String message = missing + "; install it with: " + install;
        if ("true".equalsIgnoreCase(env.get("CI"))) {
            throw new AssertionError(
                    message + " (CI=true, where a missing tool fails the test rather than skipping it)");
        }
        Assumptions.abort(message);
    }

    static boolean onPath(String program, Map<String, String> env) {
        return Stream.of(env.getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
