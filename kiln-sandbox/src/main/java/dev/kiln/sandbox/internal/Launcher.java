package dev.kiln.sandbox.internal;

import dev.kiln.sandbox.IdentityMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command that starts bwrap with the build's identity and process limit in place.
 *
 * <p>When Kiln runs as host root ({@link IdentityMap.Kind#SUBORDINATE}) bwrap must not run as host
 * root: it would map the build's root to host root. Instead a private mount namespace (still host
 * root, so any path Kiln can reach is reachable) binds the workspace and the other mount sources
 * onto a staging directory every uid can traverse, then enters a new user namespace whose ids are
 * root's subordinate range (newuidmap), becomes its root and only then executes bwrap. bwrap so never
 * holds a capability outside that namespace, and the mounts it inherits from the more privileged
 * staging namespace are locked: the build cannot unmount them to see what lies beneath.
 *
 * <p>bwrap reads its options from a pipe (Kiln's end of standard input, moved to descriptor 3:
 * {@code --args 3}), so the sandbox's {@code /proc/1/cmdline} is {@code bwrap --args 3 -- COMMAND}
 * and names no host path; the command's own standard input is {@code /dev/null}, as before.
 */
public final class Launcher {

    /**
     * Where the staging directory appears to bwrap in the SUBORDINATE case: {@code /tmp}, which every
     * system has and every uid may traverse, covered by the stage in the launcher's private mount
     * namespace only. (The stage itself may lie below directories the build's uid cannot enter.)
     */
    public static final Path STAGE_VIEW = Path.of("/tmp");

    private static final String SUBORDINATE_SCRIPT = String.join(
            "\n",
            "set -e",
            "nproc=$1 uid=$2 gid=$3 count=$4 bwrap=$5 stage=$6",
            "shift 6",
            "while [ \"$1\" != -- ]; do",
            "  mount --bind \"$1\" \"$2\"",
            "  shift 2",
            "done",
            "mount --rbind \"$stage\" " + STAGE_VIEW,
            // bwrap closes the --args descriptor after reading it; the command's stdin stays /dev/null.
            "exec 3<&0 </dev/null",
            "exec prlimit --nproc=\"$nproc\" unshare --user --map-users=\"$uid,0,$count\" --map-groups=\"$gid,0,$count\" --setuid 0 --setgid 0"
                    + " -- \"$bwrap\" --args 3 \"$@\"",
            "");

    private static final String CALLER_SCRIPT = """
                                                set -e
                                                nproc=$1 bwrap=$2
                                                shift 2
                                                exec 3<&0 </dev/null
                                                exec prlimit --nproc="$nproc" "$bwrap" --args 3 "$@"
                                                """;

    private Launcher() {}

    /**
     * Returns the host command line that starts bwrap for one sandboxed command.
     *
     * @param stage the per-run staging directory (SUBORDINATE only), shown to bwrap as {@link #STAGE_VIEW}
     * @param stagedMounts host source → staging mount point, bound in this order (SUBORDINATE only)
     * @param maxProcesses RLIMIT_NPROC for the build's host identity
     * @param command the sandboxed command (guest paths only), passed to bwrap after {@code --}
     */
    public static List<String> argv(
            Path shell,
            Path unshare,
            Path bwrap,
            IdentityMap identity,
            Path stage,
            Map<Path, Path> stagedMounts,
            int maxProcesses,
            List<String> command) {
        List<String> argv = new ArrayList<>();
        if (identity.kind() == IdentityMap.Kind.SUBORDINATE) {
            argv.addAll(List.of(
                    unshare.toString(),
                    "--mount",
                    "--propagation",
                    "private",
                    "--",
                    shell.toString(),
                    "-c",
                    SUBORDINATE_SCRIPT,
                    "kiln-sandbox",
                    Integer.toString(maxProcesses),
                    Integer.toString(identity.hostUid()),
                    Integer.toString(identity.hostGid()),
                    Integer.toString(identity.count()),
                    bwrap.toString(),
                    stage.toString()));
            stagedMounts.forEach((from, to) -> argv.addAll(List.of(from.toString(), to.toString())));
        } else {
            argv.addAll(List.of(
                    shell.toString(),
                    "-c",
                    CALLER_SCRIPT,
                    "kiln-sandbox",
                    Integer.toString(maxProcesses),
                    bwrap.toString()));
        }
        argv.add("--");
        argv.addAll(command);
        return List.copyOf(argv);
    }
}
