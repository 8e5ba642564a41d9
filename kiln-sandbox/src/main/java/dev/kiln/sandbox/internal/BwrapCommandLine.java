package dev.kiln.sandbox.internal;

import dev.kiln.sandbox.IdentityMap;
import dev.kiln.sandbox.Mount;
import dev.kiln.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Turns a {@link SandboxSpec} into a bwrap argument vector. In the host-toolchain stage: the host's
 * {@code /usr} read-only, the top-level library and binary directories mirrored as the host has them,
 * and a minimal {@code /etc}. In the hermetic stage: the spec's root filesystem as {@code /}, with
 * {@code /proc}, {@code /dev}, {@code /tmp}, the workspace and Kiln's generated /etc files over it. The command runs as guest root holding every capability of its own user
 * namespace and none outside it ({@link IdentityMap} says which host ids that is).
 */
public final class BwrapCommandLine {

    /** Top-level directories that a merged-/usr host has as symlinks into /usr, older hosts as dirs. */
    private static final List<String> TOP_LEVEL = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");

    /**
     * Host /etc entries a compiler driver, the dynamic loader or a configure script reads. Debian's
     * cc and c++ are symlinks through /etc/alternatives; perl's @INC on Debian includes /etc/perl.
     */
    private static final List<String> HOST_ETC =
            List.of("alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "perl", "protocols", "services");

    /** Only useful, and only exposed, when the network is shared. */
    private static final List<String> HOST_ETC_NETWORK = List.of("resolv.conf", "gai.conf", "ssl", "ca-certificates");

    private final Path hostRoot;

    public BwrapCommandLine(Path hostRoot) {
        this.hostRoot = hostRoot;
    }

    /**
     * The bwrap options for {@code spec}, without the executable and the command (the options are handed
     * to bwrap on a pipe with {@code --args}, so that no host path shows in the sandbox's
     * {@code /proc/1/cmdline}; the command, all guest paths, follows {@code --} on the command line).
     *
     * @param identity how guest ids map to host ids: {@link IdentityMap.Kind#SUBORDINATE} means bwrap
     *     already runs as root of a user namespace made for it, {@link IdentityMap.Kind#CALLER} that bwrap
     *     makes the user namespace itself
     * @param generatedEtc directory holding the files written by {@link GeneratedEtc}
     * @param source the host path bwrap should bind for each workspace or extra mount source (the
     *     launcher may have staged it elsewhere)
     */
    public List<String> options(SandboxSpec spec, IdentityMap identity, Path generatedEtc, UnaryOperator<Path> source) {
        List<String> a = new ArrayList<>();
        if (identity.kind() == IdentityMap.Kind.SUBORDINATE) {
            // Already root of the build's own user namespace; a nested one would only map that root again.
            a.addAll(List.of("--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"));
            if (!spec.network()) {
                a.add("--unshare-net");
            }
            if (spec.uid() != 0 || spec.gid() != 0) {
                a.add("--unshare-user");
            }
        } else {
            a.add("--unshare-all");
            if (spec.network()) {
                a.add("--share-net");
            }
        }
        a.addAll(List.of("--die-with-parent", "--new-session", "--hostname", "kiln"));
        a.addAll(List.of("--uid", Integer.toString(spec.uid()), "--gid", Integer.toString(spec.gid())));

        if (spec.hermetic()) {
            hermeticRoot(a, spec, generatedEtc, source);
        } else {
            hostToolchainRoot(a, spec, generatedEtc);
        }

        a.addAll(List.of("--bind", source.apply(spec.workspace()).toString(), SandboxSpec.WORKSPACE_GUEST_PATH));
        for (Mount m : spec.extraMounts()) {
            a.addAll(List.of(
                    m.readOnly() ? "--ro-bind" : "--bind",
                    source.apply(m.hostPath()).toString(),
                    m.guestPath()));
        }
        if (!spec.hermetic()) {
            // The root tmpfs would otherwise be writable by the build user; only the workspace, /tmp and
            // read-write extra mounts should be. (A hermetic root is the build's own private copy.)
            a.addAll(List.of("--remount-ro", "/"));
        }

        if (spec.uid() == 0) {
            // Root of its own namespace, as in melange's guest: chown, install -o, setcap, mounts inside.
            a.addAll(List.of("--cap-add", "ALL"));
        } else {
            for (String cap : spec.addCapabilities()) {
                a.addAll(List.of("--cap-add", cap));
            }
        }
        a.add("--clearenv");
        for (Map.Entry<String, String> e : spec.environment().entrySet()) {
            a.addAll(List.of("--setenv", e.getKey(), e.getValue()));
        }
        a.addAll(List.of("--chdir", spec.workingDirectory()));
        return List.copyOf(a);
    }

    /**
     * The host-toolchain stage (DESIGN.md stage 1, the default until Kiln's own toolchain exists): the
     * host's {@code /usr} read-only on an otherwise empty root, with a few host /etc files.
     */
    private void hostToolchainRoot(List<String> a, SandboxSpec spec, Path generatedEtc) {
        a.addAll(List.of("--ro-bind", host("usr").toString(), "/usr"));
        for (String name : TOP_LEVEL) {
            Path p = host(name);
            if (Files.isSymbolicLink(p)) {
                a.addAll(List.of("--symlink", readLink(p), "/" + name));
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                a.addAll(List.of("--ro-bind", p.toString(), "/" + name));
            }
        }
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"));

        a.addAll(List.of("--dir", "/etc"));
        bindGeneratedEtc(a, generatedEtc);
        bindHostEtc(a, HOST_ETC);
        if (spec.network()) {
            bindHostEtc(a, HOST_ETC_NETWORK);
        }
        Path localtime = host("etc/localtime");
        if (Files.isSymbolicLink(localtime)) {
            // The target lies under /usr/share/zoneinfo, which is already visible.
            a.addAll(List.of("--symlink", readLink(localtime), "/etc/localtime"));
        } else if (Files.isRegularFile(localtime)) {
            a.addAll(List.of("--ro-bind", localtime.toString(), "/etc/localtime"));
        }
    }

    /**
     * The hermetic stage: the build's private root filesystem as {@code /}, and over it only what a
     * kernel interface or Kiln itself provides; nothing of the host's {@code /usr} or {@code /etc}.
     */
    private static void hermeticRoot(List<String> a, SandboxSpec spec, Path generatedEtc, UnaryOperator<Path> source) {
        a.addAll(List.of("--bind", source.apply(spec.rootfs()).toString(), "/"));
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"));
        bindGeneratedEtc(a, generatedEtc);
    }

    private static void bindGeneratedEtc(List<String> a, Path generatedEtc) {
        for (String name : GeneratedEtc.FILES) {
            a.addAll(List.of("--ro-bind", generatedEtc.resolve(name).toString(), "/etc/" + name));
        }
    }

    private void bindHostEtc(List<String> a, List<String> names) {
        for (String name : names) {
            Path p = host("etc/" + name);
            if (Files.exists(p)) {
                a.addAll(List.of("--ro-bind", p.toString(), "/etc/" + name));
            }
        }
    }

    private Path host(String relative) {
        return hostRoot.resolve(relative);
    }

    private static String readLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            throw new dev.kiln.sandbox.SandboxException("cannot read host symlink " + p + ": " + e.getMessage(), e);
        }
    }
}
