package dev.kiln.update;

import java.nio.file.Path;

/** Dry-run patch application; {@link GnuPatch} runs {@code patch(1)}. */
public interface PatchTool {
    /** Whether {@code patch} applies to {@code tree} (in reverse when {@code reverse}), changing nothing. */
    boolean applies(Path tree, Path patch, int strip, boolean reverse);
}
