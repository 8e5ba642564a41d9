package dev.kiln.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Checks, before any build starts, that this host can run bubblewrap sandboxes, and turns the usual
 * failures into one message with the fix.
 */
public final class Preflight {

    private final Path procSys;

    /** @param procSys normally {@code /proc/sys}; a directory with the same layout in tests */
    public Preflight(Path procSys) {
        this.procSys = procSys;
    }

    /**
     * Locates bwrap on {@code env}'s PATH and runs a trivial command in fresh namespaces.
     *
     * @return the bwrap executable that worked
     * @throws SandboxUnavailableException when bwrap is missing or cannot create namespaces
     */
    public static Path check(Map<String, String> env) {
        return new Preflight(Path.of("/proc/sys")).probe(BubblewrapSandbox.locate(env));
    }

    /** Runs {@code bwrap --unshare-all ... /usr/bin/true}. */
    public Path probe(Path bwrap) {
        List<String> argv = List.of(
                bwrap.toString(),
                "--unshare-all",
                "--die-with-parent",
                "--ro-bind",
                "/usr",
                "/usr",
                "--symlink",
                "usr/lib",
                "/lib",
                "--symlink",
                "usr/lib64",
                "/lib64",
                "--symlink",
                "usr/bin",
                "/bin",
                "--proc",
                "/proc",
                "--dev",
                "/dev",
                "--uid",
                "1000",
                "--gid",
                "1000",
                "/usr/bin/true");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().clear();
        String output;
        int exit;
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            p.getInputStream().transferTo(buffer);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SandboxUnavailableException(
                        "bubblewrap probe '" + String.join(" ", argv) + "' did not finish within 30 s");
            }
            exit = p.exitValue();
            output = buffer.toString(StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new SandboxUnavailableException(
                    "cannot run " + bwrap + ": " + e.getMessage() + "; reinstall it: apt-get install bubblewrap", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxUnavailableException("interrupted while probing " + bwrap, e);
        }
        if (exit != 0) {
            throw new SandboxUnavailableException(diagnose(bwrap, exit, output));
        }
        return bwrap;
    }

    /** One message naming what bwrap said, the kernel settings that explain it, and the fix. */
    public String diagnose(Path bwrap, int exit, String bwrapOutput) {
        StringBuilder msg = new StringBuilder("bubblewrap cannot create a sandbox: '")
                .append(bwrap)
                .append(" --unshare-all ... /usr/bin/true' exited ")
                .append(exit);
        if (!bwrapOutput.isEmpty()) {
            msg.append(" (").append(bwrapOutput).append(')');
        }
        List<String> fixes = new ArrayList<>();
        sysctl("kernel/unprivileged_userns_clone")
                .filter("0"::equals)
                .ifPresent(v ->
                        fixes.add("unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0): "
                                + "sysctl -w kernel.unprivileged_userns_clone=1"));
        sysctl("user/max_user_namespaces")
                .filter("0"::equals)
                .ifPresent(v -> fixes.add("user namespaces are disabled (user.max_user_namespaces=0): "
                        + "sysctl -w user.max_user_namespaces=15000"));
        sysctl("kernel/apparmor_restrict_unprivileged_userns")
                .filter("1"::equals)
                .ifPresent(
                        v -> fixes.add(
                                "AppArmor restricts unprivileged user namespaces "
                                        + "(kernel.apparmor_restrict_unprivileged_userns=1): "
                                        + "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 or add an AppArmor profile for bwrap"));
        if (fixes.isEmpty()) {
            msg.append("; user namespaces look enabled, so check that bwrap may mount /proc here"
                    + " (inside a container run it with --privileged or a seccomp profile allowing unshare)");
        } else {
            msg.append("; ").append(String.join("; ", fixes)).append(" (persist it in /etc/sysctl.d/)");
        }
        return msg.toString();
    }

    private Optional<String> sysctl(String name) {
        Path p = procSys.resolve(name);
        try {
            return Files.isReadable(p) ? Optional.of(Files.readString(p).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
