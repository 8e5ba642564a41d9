package dev.kiln.recipe;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * The capabilities Linux defines (capabilities(7), {@code include/uapi/linux/capability.h} up to
 * {@code CAP_CHECKPOINT_RESTORE}, Linux 5.9), in kernel number order. Recipes name them as melange
 * does, {@code CAP_NET_ADMIN}; the case and the {@code CAP_} prefix are optional, as libcap's
 * {@code cap_from_name} and setcap spellings allow.
 *
 * <p>A build runs as root in its own user namespace, so an added capability acts on that namespace
 * and what it owns (its files, its network and mount namespaces), never on the host: for example
 * {@code CAP_SYS_MODULE}, {@code CAP_SYS_TIME} or {@code CAP_SYS_BOOT} are accepted and have no
 * effect there.
 */
public enum LinuxCapability {
    CHOWN,
    DAC_OVERRIDE,
    DAC_READ_SEARCH,
    FOWNER,
    FSETID,
    KILL,
    SETGID,
    SETUID,
    SETPCAP,
    LINUX_IMMUTABLE,
    NET_BIND_SERVICE,
    NET_BROADCAST,
    NET_ADMIN,
    NET_RAW,
    IPC_LOCK,
    IPC_OWNER,
    SYS_MODULE,
    SYS_RAWIO,
    SYS_CHROOT,
    SYS_PTRACE,
    SYS_PACCT,
    SYS_ADMIN,
    SYS_BOOT,
    SYS_NICE,
    SYS_RESOURCE,
    SYS_TIME,
    SYS_TTY_CONFIG,
    MKNOD,
    LEASE,
    AUDIT_WRITE,
    AUDIT_CONTROL,
    SETFCAP,
    MAC_OVERRIDE,
    MAC_ADMIN,
    SYSLOG,
    WAKE_ALARM,
    BLOCK_SUSPEND,
    AUDIT_READ,
    PERFMON,
    BPF,
    CHECKPOINT_RESTORE;

    /** The kernel's name, e.g. {@code CAP_NET_ADMIN}: what bubblewrap's {@code --cap-add} takes. */
    public String capName() {
        return "CAP_" + name();
    }

    /** The kernel's number for this capability. */
    @SuppressWarnings("EnumOrdinal") // the constants are declared in the kernel's order, from 0 without gaps
    public int number() {
        return ordinal();
    }

    /** The capability {@code text} names ({@code CAP_NET_ADMIN}, {@code cap_net_admin}, {@code net_admin}), if any. */
    public static Optional<LinuxCapability> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String upper = text.trim().toUpperCase(Locale.ROOT);
        String bare = upper.startsWith("CAP_") ? upper.substring(4) : upper;
        return Arrays.stream(values()).filter(c -> c.name().equals(bare)).findFirst();
    }

    /** The defined capability whose name is closest to {@code text}, for a "did you mean" hint. */
    public static LinuxCapability nearest(String text) {
        String upper = text.trim().toUpperCase(Locale.ROOT);
        String bare = upper.startsWith("CAP_") ? upper.substring(4) : upper;
        return Arrays.stream(values())
                .min(Comparator.comparingInt(c -> distance(c.name(), bare)))
                .orElseThrow();
    }

    /** Levenshtein distance; the names are short, so the plain two-row table is enough. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
