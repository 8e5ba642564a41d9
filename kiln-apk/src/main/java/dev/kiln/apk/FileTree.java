package dev.kiln.apk;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory file system an image is assembled in: no host paths, no root privileges. Entries
 * iterate in walk order (parents first, siblings sorted by name), which is the layer tar order.
 */
public final class FileTree {
    /**
     * Component-wise order, so that {@code a/b} sorts right after {@code a} and before {@code a-c}:
     * a separator sorts before every other character, since it ends a component and a shorter
     * component sorts first. Compared in place, without splitting: every map operation on the tree
     * runs it, and splitting made it the costliest step of assembling a small image.
     */
    public static final Comparator<String> WALK_ORDER = (x, y) -> {
        int n = Math.min(x.length(), y.length());
        for (int i = 0; i < n; i++) {
            char a = x.charAt(i);
            char b = y.charAt(i);
            if (a != b) {
                return a == '/' ? -1 : b == '/' ? 1 : a - b;
            }
        }
        return Integer.compare(x.length(), y.length());
    };

    private static final int MAX_LINKS = 40;

    private final TreeMap<String, FileNode> nodes = new TreeMap<>(WALK_ORDER);

    /**
     * Normalises an image path ({@code /a/./b/}, {@code a//b}) to {@code a/b}; a path that climbs
     * above the root is rejected, because it would write outside the image.
     */
    public static String normalize(String path) {
        return join(path, false);
    }

    /**
     * {@code path} without empty and {@code .} components, each {@code ..} taking away the one before
     * it; a {@code ..} at the root stays at the root when {@code clampAtRoot} (as in a chroot), and is
     * an error otherwise.
     */
    private static String join(String path, boolean clampAtRoot) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                } else if (!clampAtRoot) {
                    throw new ApkException("path '" + path + "' is outside the image root");
                }
            } else {
                parts.add(p);
            }
        }
        return String.join("/", parts);
    }

    public Optional<FileNode> get(String path) {
        return Optional.ofNullable(nodes.get(normalize(path)));
    }

    public boolean exists(String path) {
        return nodes.containsKey(normalize(path));
    }

    public void put(FileNode node) {
        if (node.path().isEmpty()) {
            throw new ApkException("cannot replace the image root directory");
        }
        nodes.put(node.path(), node);
    }

    public @Nullable FileNode remove(String path) {
        return nodes.remove(normalize(path));
    }

    /** Creates missing directories of {@code path} (itself included) with the given metadata. */
    public void mkdirs(String path, int mode, long uid, long gid, long mtime) {
        String p = normalize(path);
        if (p.isEmpty()) {
            return;
        }
        int slash = p.lastIndexOf('/');
        if (slash > 0) {
            mkdirs(p.substring(0, slash), 0755, 0, 0, mtime);
        }
        FileNode existing = nodes.get(p);
        if (existing == null) {
            nodes.put(p, FileNode.directory(p, mode, uid, gid, mtime));
        } else if (existing.kind() != FileNode.Kind.DIRECTORY && existing.kind() != FileNode.Kind.SYMLINK) {
            throw new ApkException("cannot create directory /" + p + ": a "
                    + existing.kind().name().toLowerCase(Locale.ROOT) + " is there");
        }
    }

    /**
     * The tree path {@code path} names once symlinks in its parent directories are followed (the
     * last component is not followed), as the kernel would see it inside the image; a link that
     * leaves the root is clamped to the root, as in a chroot.
     */
    public String resolveParents(String path) {
        String p = normalize(path);
        for (int hops = 0; hops < MAX_LINKS; hops++) {
            String[] parts = p.split("/");
            String resolved = null;
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < parts.length - 1; i++) {
                String dir = prefix.isEmpty() ? parts[i] : prefix + "/" + parts[i];
                FileNode n = nodes.get(dir);
                if (n != null && n.kind() == FileNode.Kind.SYMLINK) {
                    String target = n.link();
                    String base = target.startsWith("/") ? "" : prefix.toString();
                    String rest = String.join("/", java.util.Arrays.copyOfRange(parts, i + 1, parts.length));
                    resolved = join(base + "/" + target + "/" + rest, true);
                    break;
                }
                prefix = new StringBuilder(dir);
            }
            if (resolved == null) {
                return p;
            }
            p = resolved;
        }
        throw new ApkException("too many levels of symbolic links resolving /" + path);
    }

    /** All entries in walk order. */
    public Collection<FileNode> entries() {
        return nodes.values();
    }

    /**
     * Entries at or below {@code path}. In walk order they are one run starting at {@code path}, so
     * only that run is read rather than the whole tree.
     */
    public List<FileNode> subtree(String path) {
        String p = normalize(path);
        if (p.isEmpty()) {
            return List.copyOf(nodes.values());
        }
        String below = p + "/";
        List<FileNode> out = new ArrayList<>();
        for (FileNode n : nodes.tailMap(p, true).values()) {
            if (!n.path().equals(p) && !n.path().startsWith(below)) {
                break;
            }
            out.add(n);
        }
        return out;
    }
}
