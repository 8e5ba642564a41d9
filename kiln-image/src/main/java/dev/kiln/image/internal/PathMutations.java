package dev.kiln.image.internal;

import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.image.ImageException;
import dev.kiln.image.ImageSpec.PathEntry;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Applies apko {@code paths} entries; every path must stay inside the image root. */
public final class PathMutations {
    private PathMutations() {}

    public static void apply(FileTree tree, List<PathEntry> entries, long mtime) {
        for (PathEntry e : entries) {
            String path = inside(e.path());
            int slash = path.lastIndexOf('/');
            if (slash > 0) {
                tree.mkdirs(path.substring(0, slash), 0755, 0, 0, mtime);
            }
            switch (e.type()) {
                case DIRECTORY -> {
                    tree.mkdirs(path, mode(e, 0755), e.uid(), e.gid(), mtime);
                    tree.get(path).ifPresent(n -> tree.put(n.withOwnership(mode(e, n.mode()), e.uid(), e.gid())));
                }
                case EMPTY_FILE -> tree.put(FileNode.file(path, new byte[0], mode(e, 0644), e.uid(), e.gid(), mtime));
                case SYMLINK -> tree.put(FileNode.symlink(path, source(e), e.uid(), e.gid(), mtime));
                case HARDLINK -> {
                    String source = inside(source(e));
                    FileNode target = tree.get(source)
                            .filter(n -> n.kind() == FileNode.Kind.FILE)
                            .orElseThrow(() -> new ImageException("paths entry " + e.path() + ": hardlink source "
                                    + e.source() + " is not a regular file in the image"));
                    tree.put(FileNode.of(
                            path,
                            FileNode.Kind.HARDLINK,
                            target.mode(),
                            target.uid(),
                            target.gid(),
                            target.mtime(),
                            null,
                            source,
                            Map.of(),
                            null,
                            target.sha1(),
                            0,
                            0));
                    // a hard link shares its inode: permissions given on the link apply to the file
                    if (e.permissions() != null || e.uid() != 0 || e.gid() != 0) {
                        tree.put(target.withOwnership(mode(e, target.mode()), e.uid(), e.gid()));
                    }
                }
                case PERMISSIONS -> {
                    if (!tree.exists(path)) {
                        throw new ImageException(
                                "paths entry " + e.path() + ": permissions for a path the image does" + " not have");
                    }
                    List<FileNode> targets = e.recursive()
                            ? tree.subtree(path)
                            : List.of(tree.get(path).get());
                    for (FileNode n : targets) {
                        tree.put(n.withOwnership(mode(e, n.mode()), e.uid(), e.gid()));
                    }
                }
            }
        }
    }

    /**
     * A link's source. The loader refuses a link without one; a spec built in code reaches here, and
     * without this check a symlink would get no target and a hard link would fail with an NPE.
     */
    private static String source(PathEntry e) {
        if (e.source() == null) {
            throw new ImageException("paths entry " + e.path() + " of type "
                    + e.type().name().toLowerCase(Locale.ROOT).replace('_', '-') + " needs a source");
        }
        return e.source();
    }

    private static String inside(String path) {
        try {
            String p = FileTree.normalize(path);
            if (p.isEmpty()) {
                throw new ImageException("paths entry '" + path + "' names the image root itself");
            }
            return p;
        } catch (ImageException e) {
            throw new ImageException("paths entry '" + path + "': " + e.getMessage(), e);
        }
    }

    private static int mode(PathEntry e, int fallback) {
        return e.permissions() == null ? fallback : e.permissions();
    }
}
