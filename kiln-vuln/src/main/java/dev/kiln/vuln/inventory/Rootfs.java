package dev.kiln.vuln.inventory;

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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A read-only view of an image's root filesystem, built from an unpacked directory or from layer tar
 * streams applied in order with OCI whiteouts. Paths are image paths without a leading slash; symlinks
 * are resolved inside the view (an absolute link never escapes to the host).
 */
public final class Rootfs {
    enum Kind {
        FILE,
        DIRECTORY,
        SYMLINK,
        OTHER
    }

    // bytes carried as they are; nothing compares these records with equals (arrays compare by identity)
    @SuppressWarnings("ArrayRecordComponent")
    private record Node(
            Kind kind,
            int mode,
            long size,
            long mtime,
            @Nullable String link,
            byte @Nullable [] content,
            @Nullable Path hostFile) {}

    private static final int MAX_LINKS = 40;

    private final NavigableMap<String, Node> nodes;

    private Rootfs(NavigableMap<String, Node> nodes) {
        this.nodes = nodes;
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
        NavigableMap<String, Node> nodes = new TreeMap<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (!d.equals(dir)) {
                        nodes.put(rel(dir, d), new Node(Kind.DIRECTORY, 0755, 0, seconds(attrs), null, null, null));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isSymbolicLink()) {
                        nodes.put(
                                rel(dir, f),
                                new Node(
                                        Kind.SYMLINK,
                                        0777,
                                        0,
                                        0,
                                        Files.readSymbolicLink(f).toString(),
                                        null,
                                        null));
                    } else if (attrs.isRegularFile()) {
                        nodes.put(
                                rel(dir, f), new Node(Kind.FILE, mode(f), attrs.size(), seconds(attrs), null, null, f));
                    } else {
                        nodes.put(rel(dir, f), new Node(Kind.OTHER, 0, 0, 0, null, null, null));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new VulnException("cannot read rootfs " + dir + ": " + e.getMessage(), e);
        }
        return new Rootfs(nodes);
    }

    public static Rootfs ofLayers(List<? extends LayerStack.Source> layers) {
        return ofLayers(layers, (h, path) -> interesting(path, h.mode(), h.size()));
    }

    /**
     * The layers flattened by {@link LayerStack} (OCI whiteouts, hard links sharing their target); only the
     * contents that {@code keep} selects are held in memory.
     */
    static Rootfs ofLayers(List<? extends LayerStack.Source> layers, BiPredicate<TarHeader, String> keep) {
        NavigableMap<String, LayerStack.Entry> entries;
        try {
            entries = LayerStack.flatten(layers, keep);
        } catch (OciException e) {
            throw new VulnException(Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
        }
        NavigableMap<String, Node> nodes = new TreeMap<>();
        IdentityHashMap<LayerStack.Entry, Node> shared = new IdentityHashMap<>();
        entries.forEach((path, e) -> {
            if (e.header().type() != TarType.HARDLINK) {
                nodes.put(path, shared.computeIfAbsent(e, Rootfs::node));
            } else if (e.linkTarget() != null) {
                nodes.put(path, shared.computeIfAbsent(e.linkTarget(), Rootfs::node));
            }
        });
        return new Rootfs(nodes);
    }

    private static Node node(LayerStack.Entry e) {
        TarHeader h = e.header();
        Kind kind = switch (h.type()) {
            case FILE -> Kind.FILE;
            case DIRECTORY -> Kind.DIRECTORY;
            case SYMLINK -> Kind.SYMLINK;
            default -> Kind.OTHER;
        };
        return new Node(
                kind, h.mode(), h.size(), h.mtime(), kind == Kind.SYMLINK ? h.linkName() : null, e.content(), null);
    }

    /** Regular files, sorted. */
    public List<String> files() {
        List<String> out = new ArrayList<>();
        nodes.forEach((p, n) -> {
            if (n.kind == Kind.FILE) {
                out.add(p);
            }
        });
        return out;
    }

    /** How many regular files there are, counting each name of a hard-linked file, as {@code find -type f} does. */
    public int fileCount() {
        return (int) nodes.values().stream().filter(n -> n.kind == Kind.FILE).count();
    }

    /**
     * Regular files with the set-user-ID or set-group-ID bit, sorted: what runs with privileges other than the
     * caller's, as {@code find -type f -perm /6000} lists them.
     */
    public List<String> setuidFiles() {
        List<String> out = new ArrayList<>();
        nodes.forEach((p, n) -> {
            if (n.kind == Kind.FILE && (n.mode & 06000) != 0) {
                out.add(p);
            }
        });
        return out;
    }

    /** Regular files that {@code filter} accepts, sorted. */
    public List<String> files(Predicate<String> filter) {
        return files().stream().filter(filter).toList();
    }

    public boolean exists(String path) {
        return resolve(path).isPresent();
    }

    public boolean isExecutable(String path) {
        return resolve(path)
                .map(p -> nodes.get(p))
                .map(n -> n.kind == Kind.FILE && (n.mode & 0111) != 0)
                .orElse(false);
    }

    public long size(String path) {
        return resolve(path).map(p -> resolvedNode(p).size).orElse(-1L);
    }

    /** The modification time of the file at {@code path} after resolving symlinks, if it exists. */
    public Optional<Instant> mtime(String path) {
        return resolve(path).map(nodes::get).filter(n -> n.kind == Kind.FILE).map(n -> Instant.ofEpochSecond(n.mtime));
    }

    /** The sum of the sizes of the regular files (a hard link counts once). */
    public long totalSize() {
        java.util.Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        long total = 0;
        for (Node n : nodes.values()) {
            if (n.kind == Kind.FILE && seen.add(n)) {
                total += n.size;
            }
        }
        return total;
    }

    /** The content of the file at {@code path} after resolving symlinks; empty when absent or not kept. */
    public Optional<byte[]> read(String path) {
        Optional<String> real = resolve(path);
        if (real.isEmpty()) {
            return Optional.empty();
        }
        Node n = resolvedNode(real.get());
        if (n.kind != Kind.FILE) {
            return Optional.empty();
        }
        if (n.content != null) {
            return Optional.of(n.content);
        }
        if (n.hostFile != null) {
            try {
                return Optional.of(Files.readAllBytes(n.hostFile));
            } catch (IOException e) {
                throw new VulnException("cannot read " + n.hostFile + ": " + e.getMessage(), e);
            }
        }
        return Optional.empty();
    }

    /** The path with every symlink resolved inside the view; empty when something on the way is missing. */
    public Optional<String> resolve(String path) {
        List<String> todo = new ArrayList<>(List.of(normalize(path).split("/")));
        List<String> done = new ArrayList<>();
        int hops = 0;
        while (!todo.isEmpty()) {
            String part = todo.remove(0);
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            done.add(part);
            String current = String.join("/", done);
            Node n = nodes.get(current);
            if (n == null) {
                if (nodes.ceilingKey(current + "/") != null
                        && nodes.ceilingKey(current + "/").startsWith(current + "/")) {
                    continue; // implicit directory (a tar without directory entries)
                }
                return Optional.empty();
            }
            if (n.kind == Kind.SYMLINK) {
                if (++hops > MAX_LINKS) {
                    return Optional.empty();
                }
                done.remove(done.size() - 1);
                String link = Objects.requireNonNull(n.link, "every symlink node carries its target");
                if (link.startsWith("/")) {
                    done.clear();
                }
                todo.addAll(0, List.of(link.split("/")));
            }
        }
        return Optional.of(String.join("/", done));
    }

    /** The node of a path that resolve returned: resolve only returns paths it found in the map. */
    private Node resolvedNode(String resolved) {
        return Objects.requireNonNull(nodes.get(resolved), resolved);
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
