package dev.kiln.vuln.inventory;

import dev.kiln.apk.FileData;
import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarType;
import dev.kiln.oci.LayerStack;
import dev.kiln.oci.OciException;
import dev.kiln.vuln.VulnException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * A read-only view of an image's root filesystem for the scanner, over the one file tree model, {@link FileTree}:
 * built from an unpacked directory (file contents read when asked for, never held) or from layer tar streams
 * applied in order with OCI whiteouts (only the contents a scan reads held in memory). Paths are image paths
 * without a leading slash; symlinks are resolved inside the tree (an absolute link never escapes to the host, a
 * loop ends after 40 links). A hard link is the same file as its target: it is a regular file here, sharing the
 * target's {@link FileData}, and counts once in {@link #totalSize()}.
 */
public final class Rootfs {
    private final FileTree tree;
    private final List<String> files;

    private Rootfs(FileTree tree) {
        this.tree = tree;
        List<String> found = new ArrayList<>();
        for (FileNode n : tree.entries()) {
            if (n.kind() == FileNode.Kind.FILE) {
                found.add(n.path());
            }
        }
        // the catalogers' order, and so the inventory's, has always been String order
        Collections.sort(found);
        this.files = List.copyOf(found);
    }

    /** The files a scanner reads by default: package databases, language metadata, archives, executables. */
    public static boolean interesting(String path, int mode, long size) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return path.endsWith("apk/db/installed")
                || path.contains("var/lib/dpkg/")
                || name.equals("os-release")
                || path.equals("etc/apk/repositories")
                || path.equals("etc/dpkg/origins/default")
                || path.equals("etc/debian_version")
                || name.equals("METADATA")
                || name.equals("PKG-INFO")
                || path.endsWith(".egg-info")
                || name.endsWith(".egg")
                || name.equals("package.json")
                || Inventories.isJavaArchive(name)
                || ((mode & 0111) != 0 && size > 0);
    }

    public static Rootfs ofDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new VulnException("rootfs " + dir + " is not a directory");
        }
        FileTree tree = new FileTree();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (!d.equals(dir)) {
                        tree.put(FileNode.directory(rel(dir, d), 0755, 0, 0, seconds(attrs)));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    String path = rel(dir, f);
                    if (attrs.isSymbolicLink()) {
                        tree.put(
                                FileNode.symlink(path, Files.readSymbolicLink(f).toString(), 0, 0, 0));
                    } else if (attrs.isRegularFile()) {
                        tree.put(FileNode.file(
                                path, FileData.lazy(attrs.size(), () -> readHost(f)), mode(f), 0, 0, seconds(attrs)));
                    } else {
                        // a device, pipe or socket: present, but nothing a scanner reads, whatever its exact kind
                        tree.put(FileNode.of(
                                path, FileNode.Kind.FIFO, 0, 0, 0, 0, null, null, Map.of(), null, null, 0, 0));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new VulnException("cannot read rootfs " + dir + ": " + e.getMessage(), e);
        }
        return new Rootfs(tree);
    }

    private static byte[] readHost(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new VulnException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    public static Rootfs ofLayers(List<? extends LayerStack.Source> layers) {
        return ofLayers(layers, (h, path) -> interesting(path, h.mode(), h.size()));
    }

    /**
     * The layers flattened by {@link LayerStack} (OCI whiteouts, hard links sharing their target); only the
     * contents that {@code keep} selects are held in memory, the others are only sized.
     */
    static Rootfs ofLayers(List<? extends LayerStack.Source> layers, BiPredicate<TarHeader, String> keep) {
        NavigableMap<String, LayerStack.Entry> entries;
        try {
            entries = LayerStack.flatten(layers, keep);
        } catch (OciException e) {
            throw new VulnException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
        }
        FileTree tree = new FileTree();
        IdentityHashMap<LayerStack.Entry, FileNode> shared = new IdentityHashMap<>();
        entries.forEach((path, e) -> {
            if (e.header().type() != TarType.HARDLINK) {
                tree.put(shared.computeIfAbsent(e, Rootfs::node));
            } else if (e.linkTarget() != null) {
                tree.put(shared.computeIfAbsent(e.linkTarget(), Rootfs::node).withPath(path));
            }
        });
        return new Rootfs(tree);
    }

    private static FileNode node(LayerStack.Entry e) {
        TarHeader h = e.header();
        byte[] content = e.content();
        return switch (h.type()) {
            case FILE ->
                FileNode.ofTar(e.path(), h, content != null ? FileData.of(content) : FileData.absent(h.size()), null);
            case SYMLINK -> FileNode.ofTar(e.path(), h, null, h.linkName());
            default -> FileNode.ofTar(e.path(), h, null, null);
        };
    }

    /** Regular files, sorted (by {@link String#compareTo}, not the tree's walk order). */
    public List<String> files() {
        return files;
    }

    /** How many regular files there are, counting each name of a hard-linked file, as {@code find -type f} does. */
    public int fileCount() {
        return files.size();
    }

    /**
     * Regular files with the set-user-ID or set-group-ID bit, sorted: what runs with privileges other than the
     * caller's, as {@code find -type f -perm /6000} lists them.
     */
    public List<String> setuidFiles() {
        return files.stream()
                .filter(p -> tree.get(p).map(n -> (n.mode() & 06000) != 0).orElse(false))
                .toList();
    }

    /** Regular files that {@code filter} accepts, sorted. */
    public List<String> files(Predicate<String> filter) {
        return files().stream().filter(filter).toList();
    }

    public boolean exists(String path) {
        return tree.resolve(path).isPresent();
    }

    public boolean isExecutable(String path) {
        return file(path).map(n -> (n.mode() & 0111) != 0).orElse(false);
    }

    /** The size of what {@code path} names after resolving symlinks (0 unless a regular file), -1 when absent. */
    public long size(String path) {
        return tree.resolve(path)
                .map(p -> tree.get(p).map(FileNode::size).orElse(0L))
                .orElse(-1L);
    }

    /** The modification time of the file at {@code path} after resolving symlinks, if it exists. */
    public Optional<Instant> mtime(String path) {
        return file(path).map(n -> Instant.ofEpochSecond(n.mtime()));
    }

    /** The sum of the sizes of the regular files (a hard link counts once). */
    public long totalSize() {
        Set<FileData> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long total = 0;
        for (FileNode n : tree.entries()) {
            FileData data = n.data();
            if (n.kind() == FileNode.Kind.FILE && data != null && seen.add(data)) {
                total += data.size();
            }
        }
        return total;
    }

    /** The content of the file at {@code path} after resolving symlinks; empty when absent or not kept. */
    public Optional<byte[]> read(String path) {
        return file(path).map(FileNode::content);
    }

    /** The path with every symlink resolved inside the view; empty when something on the way is missing. */
    public Optional<String> resolve(String path) {
        return tree.resolve(path);
    }

    /** The regular file {@code path} names after resolving symlinks. */
    private Optional<FileNode> file(String path) {
        return tree.follow(path).filter(n -> n.kind() == FileNode.Kind.FILE);
    }

    static String normalize(String name) {
        return LayerStack.normalize(name);
    }

    private static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    private static long seconds(BasicFileAttributes attrs) {
        return attrs.lastModifiedTime().toMillis() / 1000;
    }

    /** The mode bits; the "unix" view also carries the set-user-ID and set-group-ID bits PosixFilePermission lacks. */
    private static int mode(Path f) {
        try {
            return (Integer) Files.getAttribute(f, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return permissionBits(f); // a file system without the unix view (not Linux)
        }
    }

    // PosixFilePermission declares OWNER_READ first and OTHERS_EXECUTE last: the bit order of a mode
    @SuppressWarnings("EnumOrdinal")
    private static int permissionBits(Path f) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS);
            int m = 0;
            for (PosixFilePermission p : perms) {
                m |= 1 << (8 - p.ordinal());
            }
            return m;
        } catch (IOException | UnsupportedOperationException e) {
            return 0644;
        }
    }
}
