package dev.kiln.build;

import dev.kiln.sandbox.SandboxLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * The ceilings of one build. The timeout covers the whole build (every step and test); a recipe's
 * {@code package.timeout} replaces {@link #defaultTimeout()}.
 *
 * @param defaultTimeout the whole-build limit for recipes that set none
 * @param sandbox process and workspace ceilings of every sandboxed step
 */
public record BuildLimits(Duration defaultTimeout, SandboxLimits sandbox) {

    /** Long enough for a toolchain stage on two cores, short enough that a hung build is noticed. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(6);

    public static final BuildLimits DEFAULT = new BuildLimits(DEFAULT_TIMEOUT, SandboxLimits.DEFAULT);

    public BuildLimits {
        Objects.requireNonNull(defaultTimeout, "defaultTimeout");
        Objects.requireNonNull(sandbox, "sandbox");
        if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
            throw new IllegalArgumentException("the build timeout must be positive, got " + defaultTimeout);
        }
    }
}
