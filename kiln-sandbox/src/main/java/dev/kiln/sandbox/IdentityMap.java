package dev.kiln.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * How the identities inside a sandbox map onto host identities. A build always runs as root inside
 * its own user namespace; this decides which unprivileged host ids that root, and the other guest
 * ids, really are.
 *
 * <ul>
 *   <li>{@link Kind#SUBORDINATE}: Kiln runs as host root. Guest ids {@code 0..count-1} map onto the
 *       subordinate range {@code hostUid..hostUid+count-1} that {@code /etc/subuid} and
 *       {@code /etc/subgid} grant to root, so guest root is an unprivileged host uid and
 *       {@code chown}/{@code chgrp} to system accounts work.</li>
 *   <li>{@link Kind#CALLER}: Kiln runs as an ordinary user. Guest root is the caller's own uid and gid
 *       (the only ids an unprivileged user may map); other guest ids do not exist.</li>
 * </ul>
 *
 * @param kind which of the two mappings
 * @param hostUid host uid of guest uid 0
 * @param hostGid host gid of guest gid 0
 * @param count how many consecutive ids are mapped (1 for {@link Kind#CALLER})
 */
public record IdentityMap(Kind kind, int hostUid, int hostGid, int count) {

    /** The subordinate range a root-run Kiln needs: uid 0..65535 inside, like a container's. */
    public static final int SUBORDINATE_COUNT = 65536;

    public enum Kind {
        SUBORDINATE,
        CALLER
    }

    public IdentityMap {
        if (hostUid < 0 || hostGid < 0 || count < 1) {
            throw new IllegalArgumentException("identity map: expected host ids >= 0 and a count >= 1, got uid "
                    + hostUid + ", gid " + hostGid + ", count " + count);
        }
        if (kind == Kind.SUBORDINATE && (hostUid == 0 || hostGid == 0)) {
            throw new IllegalArgumentException("identity map: a subordinate range must start above host root (0),"
                    + " got uid " + hostUid + ", gid " + hostGid);
        }
    }

    /**
     * The map for the current process: the caller's ids when not root; root's subordinate range from
     * {@code /etc/subuid} and {@code /etc/subgid} when root.
     *
     * @throws SandboxUnavailableException when Kiln runs as root and root has no subordinate range of
     *     at least {@link #SUBORDINATE_COUNT} ids, naming the command that grants one
     */
    public static IdentityMap forCurrentProcess() {
        int uid = processId("unix:uid");
        int gid = processId("unix:gid");
        return detect(uid, gid, Path.of("/etc/subuid"), Path.of("/etc/subgid"));
    }

    /** {@link #forCurrentProcess()} with the ids and files given, for tests. */
    public static IdentityMap detect(int uid, int gid, Path subuid, Path subgid) {
        if (uid != 0) {
            return new IdentityMap(Kind.CALLER, uid, gid, 1);
        }
        int hostUid = subordinateStart(subuid);
        int hostGid = subordinateStart(subgid);
        return new IdentityMap(Kind.SUBORDINATE, hostUid, hostGid, SUBORDINATE_COUNT);
    }

    /** The host uid that guest uid {@code guest} is; -1 when the guest id is not mapped. */
    public int hostUidOf(int guest) {
        return guest >= 0 && guest < count ? hostUid + guest : -1;
    }

    /** The host gid that guest gid {@code guest} is; -1 when the guest id is not mapped. */
    public int hostGidOf(int guest) {
        return guest >= 0 && guest < count ? hostGid + guest : -1;
    }

    /** The guest uid that host uid {@code host} appears as; -1 when it is outside the map. */
    public int guestUidOf(int host) {
        return host >= hostUid && host < (long) hostUid + count ? host - hostUid : -1;
    }

    /** The guest gid that host gid {@code host} appears as; -1 when it is outside the map. */
    public int guestGidOf(int host) {
        return host >= hostGid && host < (long) hostGid + count ? host - hostGid : -1;
    }

    private static int subordinateStart(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            lines = List.of();
        } catch (IOException e) {
            throw new SandboxUnavailableException("cannot read " + file + ": " + e.getMessage(), e);
        }
        for (String line : lines) {
            String[] f = line.strip().split(":");
            if (f.length != 3 || !(f[0].equals("root") || f[0].equals("0"))) {
                continue;
            }
            try {
                long start = Long.parseLong(f[1]);
                long size = Long.parseLong(f[2]);
                if (start > 0 && size >= SUBORDINATE_COUNT && start + size <= Integer.MAX_VALUE) {
                    return (int) start;
                }
            } catch (NumberFormatException e) {
                // not a range of ours; keep looking
            }
        }
        throw new SandboxUnavailableException("Kiln runs as root, so each build must run as an unprivileged"
                + " host uid range, but " + file + " grants root no range of " + SUBORDINATE_COUNT
                + " ids; grant one with: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 root"
                + " (and install newuidmap: apt-get install uidmap)");
    }

    private static int processId(String attribute) {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), attribute);
        } catch (IOException | UnsupportedOperationException e) {
            throw new SandboxUnavailableException(
                    "cannot read this process's " + attribute + " from /proc/self: " + e.getMessage(), e);
        }
    }
}
