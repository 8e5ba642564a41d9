package dev.kiln.image.internal;

import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.image.ImageException;
import dev.kiln.image.ImageSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@code /etc/passwd}, {@code /etc/group} and {@code /etc/shadow}: lines a package shipped
 * are kept, configured accounts are added or replace a line of the same name, and missing home
 * directories are created mode 0700 owned by the user (images.md §1).
 */
public final class AccountFiles {
    private AccountFiles() {}

    public static void apply(FileTree tree, ImageSpec.Accounts accounts, long mtime) {
        if (accounts.users().isEmpty() && accounts.groups().isEmpty()) {
            return;
        }
        tree.mkdirs("etc", 0755, 0, 0, mtime);
        Map<String, String> passwd = existing(tree, "etc/passwd");
        Map<String, String> group = existing(tree, "etc/group");
        Map<String, String> shadow = existing(tree, "etc/shadow");
        for (ImageSpec.Group g : accounts.groups()) {
            group.put(g.groupname(), g.groupname() + ":x:" + g.gid() + ":" + String.join(",", g.members()));
        }
        for (ImageSpec.User u : accounts.users()) {
            passwd.put(
                    u.username(),
                    u.username() + ":x:" + u.uid() + ":" + u.effectiveGid() + ":Account created by kiln:"
                            + u.effectiveHome() + ":" + u.effectiveShell());
            shadow.put(u.username(), u.username() + ":!::0:::::");
        }
        write(tree, "etc/passwd", passwd, 0644, mtime);
        write(tree, "etc/group", group, 0644, mtime);
        write(tree, "etc/shadow", shadow, 0640, mtime);
        for (ImageSpec.User u : accounts.users()) {
            String home = u.effectiveHome();
            if (home.equals("/dev/null") || tree.exists(home)) {
                continue;
            }
            String p = FileTree.normalize(home);
            int slash = p.lastIndexOf('/');
            if (slash > 0) {
                tree.mkdirs(p.substring(0, slash), 0755, 0, 0, mtime);
            }
            tree.put(FileNode.directory(p, 0700, u.uid(), u.effectiveGid(), mtime));
        }
    }

    /** A user id and its group id. */
    public record Ids(long uid, long gid) {}

    /**
     * The ids {@code accounts.run-as} names, as the runtime reads the image config's {@code User}: a uid, a
     * {@code uid:gid} pair or a user name, looked up in the tree's {@code /etc/passwd} (configured accounts
     * included, so after {@link #apply}); root when unset.
     */
    public static Ids runAs(FileTree tree, @Nullable String runAs) {
        if (runAs == null || runAs.isEmpty()) {
            return new Ids(0, 0);
        }
        String[] pair = runAs.split(":", 2);
        String user = pair[0];
        for (String line : existing(tree, "etc/passwd").values()) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && (f[0].equals(user) || f[2].equals(user))) {
                try {
                    long gid = pair.length == 2 ? Long.parseLong(pair[1]) : Long.parseLong(f[3]);
                    return new Ids(Long.parseLong(f[2]), gid);
                } catch (NumberFormatException ignored) {
                    // a malformed line names nobody: keep looking
                }
            }
        }
        try {
            long uid = Long.parseLong(user);
            return new Ids(uid, pair.length == 2 ? Long.parseLong(pair[1]) : uid);
        } catch (NumberFormatException e) {
            throw new ImageException("accounts.run-as: expected a uid, uid:gid or a user of /etc/passwd, found '"
                    + runAs + "' (add it to accounts.users)");
        }
    }

    /** name → id from a passwd or group file in the tree, for tar user and group names. */
    public static Map<Long, String> names(FileTree tree, String path) {
        Map<Long, String> out = new LinkedHashMap<>();
        for (String line : existing(tree, path).values()) {
            String[] f = line.split(":", -1);
            if (f.length >= 3) {
                try {
                    out.putIfAbsent(Long.parseLong(f[2]), f[0]);
                } catch (NumberFormatException ignored) {
                    // a malformed line names nobody
                }
            }
        }
        return out;
    }

    private static Map<String, String> existing(FileTree tree, String path) {
        Map<String, String> lines = new LinkedHashMap<>();
        tree.get(path).filter(n -> n.kind() == FileNode.Kind.FILE).ifPresent(n -> {
            for (String line : new String(n.content(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    lines.put(line.split(":", 2)[0], line);
                }
            }
        });
        return lines;
    }

    private static void write(FileTree tree, String path, Map<String, String> lines, int mode, long mtime) {
        List<String> out = new ArrayList<>(lines.values());
        String text = out.isEmpty() ? "" : String.join("\n", out) + "\n";
        FileNode old = tree.get(path).orElse(null);
        long uid = old == null ? 0 : old.uid();
        long gid = old == null ? 0 : old.gid();
        tree.put(FileNode.file(
                path, text.getBytes(StandardCharsets.UTF_8), old == null ? mode : old.mode(), uid, gid, mtime));
    }
}
