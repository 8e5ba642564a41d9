package dev.kiln.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What to run and how to isolate it. Immutable: the {@code with...} methods return a new spec.
 *
 * @param workspace host directory bound read-write at {@link #WORKSPACE_GUEST_PATH}
 * @param extraMounts further binds, applied after the base layout and the workspace
 * @param command argv; the first element is resolved inside the sandbox
 * @param environment the complete environment of the command (nothing is inherited; bubblewrap adds only
 *     {@code PWD}, set to the working directory); kept sorted
 * @param workingDirectory guest path the command starts in
 * @param uid user id inside the sandbox
 * @param gid group id inside the sandbox
 * @param network false gives a fresh network namespace with only loopback
 * @param timeout null for none; on expiry the whole process tree is killed
 * @param addCapabilities capability names such as {@code CAP_NET_ADMIN}; the command already holds every
 *     capability of its own user namespace when it runs as guest root, so this matters for other uids
 * @param limits process and workspace ceilings
 * @param rootfs null for the host-toolchain stage (the host's {@code /usr} read-only, DESIGN.md stage 1, the
 *     default until Kiln's own toolchain exists); otherwise the hermetic stage: this host directory is the
 *     sandbox's {@code /}, read-write (so it must be a private copy the build may change), with nothing of
 *     the host's {@code /usr} or {@code /etc} visible. The caller hands it to the build's identity
 *     ({@link Sandbox#identity()}): its directories owned by guest root, its files owned by guest ids or
 *     readable by all (files owned by host ids outside the map can then be replaced but not written in place)
 */
public record SandboxSpec(
        Path workspace,
        List<Mount> extraMounts,
        List<String> command,
        Map<String, String> environment,
        String workingDirectory,
        int uid,
        int gid,
        boolean network,
        @Nullable Duration timeout,
        List<String> addCapabilities,
        SandboxLimits limits,
        @Nullable Path rootfs) {

    public static final String WORKSPACE_GUEST_PATH = "/home/build";
    /** Builds run as root inside their own user namespace, as melange's do (see {@link IdentityMap}). */
    public static final int DEFAULT_UID = 0;

    public static final int DEFAULT_GID = 0;

    public SandboxSpec {
        Objects.requireNonNull(workspace, "workspace");
        extraMounts = List.copyOf(extraMounts);
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("sandbox command must not be empty");
        }
        // Sorted so that the bwrap command line, and anything logged from it, is stable.
        environment = Collections.unmodifiableMap(new TreeMap<>(environment));
        requireAbsoluteGuestPath("workingDirectory", workingDirectory);
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid and gid must be >= 0, got " + uid + ":" + gid);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        Objects.requireNonNull(limits, "limits");
        addCapabilities = List.copyOf(addCapabilities);
        for (String cap : addCapabilities) {
            if (!cap.matches("CAP_[A-Z_]+")) {
                throw new IllegalArgumentException("capability must look like CAP_NAME, got '" + cap + "'");
            }
        }
    }

    /**
     * A spec with the defaults: no extra mounts, empty environment, cwd = workspace, guest root, no network,
     * no timeout, {@link SandboxLimits#DEFAULT}.
     */
    public static SandboxSpec of(Path workspace, List<String> command) {
        return new SandboxSpec(
                workspace,
                List.of(),
                command,
                Map.of(),
                WORKSPACE_GUEST_PATH,
                DEFAULT_UID,
                DEFAULT_GID,
                false,
                null,
                List.of(),
                SandboxLimits.DEFAULT,
                null);
    }

    public SandboxSpec withWorkspace(Path newWorkspace) {
        return copy(c -> c.workspace = newWorkspace);
    }

    public SandboxSpec withCommand(List<String> newCommand) {
        return copy(c -> c.command = newCommand);
    }

    public SandboxSpec withExtraMounts(List<Mount> mounts) {
        return copy(c -> c.extraMounts = mounts);
    }

    public SandboxSpec withMount(Mount mount) {
        List<Mount> mounts = new ArrayList<>(extraMounts);
        mounts.add(mount);
        return withExtraMounts(mounts);
    }

    public SandboxSpec withEnvironment(Map<String, String> newEnvironment) {
        return copy(c -> c.environment = newEnvironment);
    }

    public SandboxSpec withWorkingDirectory(String guestPath) {
        return copy(c -> c.workingDirectory = guestPath);
    }

    public SandboxSpec withUser(int newUid, int newGid) {
        return copy(c -> {
            c.uid = newUid;
            c.gid = newGid;
        });
    }

    public SandboxSpec withNetwork(boolean enabled) {
        return copy(c -> c.network = enabled);
    }

    public SandboxSpec withTimeout(Duration newTimeout) {
        return copy(c -> c.timeout = newTimeout);
    }

    public SandboxSpec withAddCapabilities(List<String> capabilities) {
        return copy(c -> c.addCapabilities = capabilities);
    }

    public SandboxSpec withLimits(SandboxLimits newLimits) {
        return copy(c -> c.limits = newLimits);
    }

    /** The hermetic stage: {@code newRootfs} becomes the sandbox's {@code /} (null: back to the host-toolchain stage). */
    public SandboxSpec withRootfs(@Nullable Path newRootfs) {
        return copy(c -> c.rootfs = newRootfs);
    }

    /** This spec with the fields {@code change} sets replaced; the compact constructor checks the result. */
    private SandboxSpec copy(java.util.function.Consumer<Fields> change) {
        Fields c = new Fields(this);
        change.accept(c);
        return new SandboxSpec(
                c.workspace,
                c.extraMounts,
                c.command,
                c.environment,
                c.workingDirectory,
                c.uid,
                c.gid,
                c.network,
                c.timeout,
                c.addCapabilities,
                c.limits,
                c.rootfs);
    }

    /** The record's components, mutable, for {@link #copy}. */
    private static final class Fields {
        Path workspace;
        List<Mount> extraMounts;
        List<String> command;
        Map<String, String> environment;
        String workingDirectory;
        int uid;
        int gid;
        boolean network;

        @Nullable
        Duration timeout;

        List<String> addCapabilities;
        SandboxLimits limits;

        @Nullable
        Path rootfs;

        Fields(SandboxSpec s) {
            workspace = s.workspace;
            extraMounts = s.extraMounts;
            command = s.command;
            environment = s.environment;
            workingDirectory = s.workingDirectory;
            uid = s.uid;
            gid = s.gid;
            network = s.network;
            timeout = s.timeout;
            addCapabilities = s.addCapabilities;
            limits = s.limits;
            rootfs = s.rootfs;
        }
    }

    /** True in the hermetic stage, false in the host-toolchain stage. */
    public boolean hermetic() {
        return rootfs != null;
    }

    static void requireAbsoluteGuestPath(String field, String guestPath) {
        if (guestPath == null || !guestPath.startsWith("/")) {
            throw new IllegalArgumentException(field + " must be an absolute guest path, got '" + guestPath + "'");
        }
    }
}
