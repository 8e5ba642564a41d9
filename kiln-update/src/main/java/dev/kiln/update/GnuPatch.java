package dev.kiln.update;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code patch --dry-run} (GNU patch): {@code -R} succeeding means every hunk is already in the
 * tree, i.e. upstream contains the change. Fuzz is 0 so that a near miss is not taken for "present".
 */
public final class GnuPatch implements PatchTool {
    private final String executable;

    /** @param executable the patch program, e.g. {@code /usr/bin/patch} */
    public GnuPatch(String executable) {
        this.executable = executable;
    }

    @Override
    public boolean applies(Path tree, Path patch, int strip, boolean reverse) {
        List<String> cmd = new ArrayList<>(List.of(
                executable,
                "--dry-run",
                "--batch",
                "--silent",
                "--force",
                "--fuzz=0",
                "-p" + strip,
                "-d",
                tree.toString(),
                "-i",
                patch.toAbsolutePath().toString()));
        if (reverse) {
            cmd.add("--reverse");
        }
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new UpdateException(patch.toString(), "patch --dry-run timed out", false, null);
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            throw new UpdateException(patch.toString(), "cannot run " + executable + ": " + e.getMessage(), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpdateException(patch.toString(), "interrupted", false, e);
        }
    }
}
