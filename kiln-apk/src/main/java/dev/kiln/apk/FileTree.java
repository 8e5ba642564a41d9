package dev.kiln.apk;

import java.util.ArrayDeque;
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
     * leaves the root is clamped to the root, as in a chroot. Missing directories on the way are
     * taken as they are written.
     */
    public String resolveParents(String path) {
        String resolved = walk(normalize(path), false, false);
        if (resolved == null) {
            throw new ApkException("too many levels of symbolic links resolving /" + path);
        }
        return resolved;
    }

    /**
     * The tree path {@code path} names once every symlink on the way is followed, its last
     * component included, as the kernel resolves it inside the image: a link never leads out of the
     * tree (an absolute target starts at the image root, a {@code ..} at the root stays there).
     * Empty when a component is missing or after more than 40 links (a loop). A directory that only
     * its entries imply (a layer tar without directory entries) counts as present.
     */
    public Optional<String> resolve(String path) {
        return Optional.ofNullable(walk(join(path, true), true, true));
    }

    /**
     * The node {@code path} names once every symlink is followed (see {@link #resolve}); empty also
     * for a directory that only its entries imply.
     */
    public Optional<FileNode> follow(String path) {
        return resolve(path).map(nodes::get);
    }

    /**
     * Resolves the normalized {@code path} one component at a time, a symlink's target taking the
     * place of the link (its {@code ..} applied to what it resolved to, as the kernel does); null
     * after {@link #MAX_LINKS} links, or when {@code mustExist} and a component is missing.
     */
    private @Nullable String walk(String path, boolean followLast, boolean mustExist) {
        ArrayDeque<String> todo = new ArrayDeque<>();
        push(todo, path);
        StringBuilder done = new StringBuilder(path.length());
        int hops = 0;
        for (String part; (part = todo.pollFirst()) != null; ) {
            if (part.equals("..")) {
                done.setLength(Math.max(done.lastIndexOf("/"), 0));
                continue;
            }
            int before = done.length();
            if (before > 0) {
                done.append('/');
            }
            done.append(part);
            String current = done.toString();
            FileNode n = nodes.get(current);
            if (n == null) {
                if (mustExist && !impliedDirectory(current)) {
                    return null;
                }
            } else if (n.kind() == FileNode.Kind.SYMLINK && (followLast || !todo.isEmpty())) {
                if (++hops > MAX_LINKS) {
                    return null;
                }
                String target = n.link();
                done.setLength(target.startsWith("/") ? 0 : before);
                push(todo, target);
            }
        }
        return done.toString();
    }

    /** Puts the components of {@code path} in front of {@code todo}, in order, without empty and {@code .} ones. */
    private static void push(ArrayDeque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            if (!parts[i].isEmpty() && !parts[i].equals(".")) {
                todo.addFirst(parts[i]);
            }
        }
    }

    /** Whether entries lie below {@code path}: in walk order its children come right after {@code path + "/"}. */
    private boolean impliedDirectory(String path) {
        String below = path + "/";
        String next = nodes.ceilingKey(below);
        return next != null && next.startsWith(below);
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
