package dev.kiln.apk;

import dev.kiln.apk.internal.PackageData;
import dev.kiln.content.Hashing;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Installs packages into a {@link FileTree} without running scriptlets, and writes the installed
 * database in apk-tools' record format (apk.md §10). A file already owned by another package is
 * an error unless the new package {@code replaces} the owner or the content is identical.
 *
 * <p>The database is a real file at apk-tools' {@code lib/apk/db/installed}, with
 * {@code usr/lib/apk} a symlink to it for readers of apko's newer location (images.md §3.1).
 * apko does it the other way round, and scanners that walk a rootfs or layers without resolving
 * symlinks and know only the apk-tools path (the trivy that cdxgen ships, for one) then see no
 * packages at all; this way both paths work for every reader. When {@code /lib} is itself a
 * symlink (a merged {@code /usr}) or {@code usr/lib/apk} is already a directory, the database
 * goes to {@code usr/lib/apk/db} with a {@code lib/apk} link, as apko does.
 */
public final class Installer {
    /** apk-tools' database directory, where Kiln writes it. */
    public static final String DB_DIR = "lib/apk/db";
    /** apko's database directory since 2025. */
    public static final String USR_DB_DIR = "usr/lib/apk/db";

    private final FileTree tree;
    private final long sourceDateEpoch;
    private final Map<String, String> ownerOf = new HashMap<>();
    private final Map<String, List<String>> replacesOf = new HashMap<>();
    private final List<InstalledPackage> installed = new ArrayList<>();

    private final @Nullable RootfsWriter disk;

    public Installer(FileTree tree, long sourceDateEpoch) {
        this(tree, sourceDateEpoch, null);
    }

    private Installer(FileTree tree, long sourceDateEpoch, @Nullable RootfsWriter disk) {
        this.tree = tree;
        this.sourceDateEpoch = sourceDateEpoch;
        this.disk = disk;
    }

    /**
     * An installer that writes each file into {@code dir} (existing and empty) as it reads it, holding only
     * the files' metadata: for a root filesystem on disk (a build environment), where the in-memory tree of
     * {@link #Installer(FileTree, long)} would hold every package's bytes at once. It takes packages through
     * {@link #install(RepositoryPackage, Function)}; {@link #writeDatabase} is its last step.
     */
    public static Installer intoDirectory(Path dir, long sourceDateEpoch) {
        return new Installer(new FileTree(), sourceDateEpoch, new RootfsWriter(dir));
    }

    /** Installs {@code apk}, read and verified already, into the in-memory tree (reading its data once more). */
    public InstalledPackage install(RepositoryPackage source, ApkPackage apk) {
        Placement placement = new Placement(apk.pkgInfo());
        try {
            for (FileNode f : PackageData.read(apk)) {
                placement.place(f, null);
            }
        } catch (IOException e) { // only a content stream can fail to read, and there is none here
            throw new ApkException("cannot install " + apk.file() + ": " + e, e);
        }
        return record(source, apk, placement.placed);
    }

    /**
     * Installs the package that {@code read} reads, verifies and returns, placing each file as {@code read}
     * hands it to the sink it is given ({@link ApkReader#read(Path, ApkReader.DataSink)}): the package is
     * decompressed once and, into a directory, no file is held in memory. When {@code read} throws (a bad
     * signature, checksum or stream), what it placed stays: the caller drops the whole root, as
     * {@code EnvironmentCache} does with its partial directory.
     */
    public InstalledPackage install(RepositoryPackage source, Function<ApkReader.DataSink, ApkPackage> read) {
        Placement[] placement = new Placement[1];
        ApkPackage apk = read.apply(new ApkReader.DataSink() {
            @Override
            public void start(PkgInfo info) {
                placement[0] = new Placement(info);
            }

            @Override
            public void entry(TarHeader header, InputStream content) throws IOException {
                Placement p = Objects.requireNonNull(placement[0], "start comes before the entries");
                FileNode f = PackageData.node(p.name, header, FileData.absent(header.size()));
                if (f != null) {
                    p.place(f, header.type() == TarType.FILE ? content : null);
                }
            }
        });
        return record(source, apk, Objects.requireNonNull(placement[0], "the reader started the package").placed);
    }

    private InstalledPackage record(RepositoryPackage source, ApkPackage apk, List<FileNode> placed) {
        InstalledPackage p = new InstalledPackage(IndexEntry.of(apk, apk.fileSize()), source.repository(), apk, placed);
        installed.add(p);
        return p;
    }

    /** One package's files going into the tree (and the directory), with the ownership rules of the class. */
    private final class Placement {
        final String name;
        final String version;
        final List<String> replaces;
        final List<FileNode> placed = new ArrayList<>();

        Placement(PkgInfo info) {
            this.name = info.name();
            this.version = info.version();
            this.replaces = info.replaces().stream()
                    .map(r -> Dependency.parse(r).name())
                    .toList();
            replacesOf.put(name, replaces);
        }

        /**
         * Places {@code f}, a regular file's bytes coming from {@code content} when given (into a directory) and
         * from {@code f} otherwise.
         */
        void place(FileNode f, @Nullable InputStream content) throws IOException {
            if (disk == null && content != null) {
                place(f.withData(FileData.of(content.readAllBytes())), null);
                return;
            }
            String path = tree.resolveParents(f.path());
            int slash = path.lastIndexOf('/');
            if (slash > 0) {
                mkdirs(path.substring(0, slash), f.mtime());
            }
            FileNode node = f.withPath(path);
            if (node.kind() == FileNode.Kind.HARDLINK) {
                node = new FileNode(
                        path,
                        node.kind(),
                        node.mode(),
                        node.uid(),
                        node.gid(),
                        node.mtime(),
                        null,
                        tree.resolveParents(node.link()),
                        node.xattrs(),
                        name,
                        node.sha1(),
                        0,
                        0);
            }
            FileNode existing = tree.get(path).orElse(null);
            if (existing != null) {
                if (existing.kind() == FileNode.Kind.DIRECTORY && node.kind() == FileNode.Kind.DIRECTORY) {
                    placed.add(f);
                    return;
                }
                String other = ownerOf.get(path);
                if (other != null && !other.equals(name)) {
                    if (content != null) {
                        // two packages install this path: compare the bytes themselves (rare, and small files)
                        node = node.withData(FileData.of(content.readAllBytes()));
                        content = null;
                    }
                    boolean same = existing.kind() == node.kind()
                            && Arrays.equals(existing.content(), node.content())
                            && Objects.equals(existing.linkTarget(), node.linkTarget());
                    if (!same) {
                        if (replacesOf.getOrDefault(other, List.of()).contains(name)) {
                            return;
                        }
                        if (!replaces.contains(other)) {
                            throw new ApkException("package " + name + "-" + version + " installs /" + path + ", which "
                                    + other + " already installed; one must replace the other");
                        }
                    }
                }
            }
            if (disk != null) {
                node = disk.put(node, content, existing != null);
            }
            tree.put(node);
            if (node.kind() != FileNode.Kind.DIRECTORY) {
                ownerOf.put(path, name);
            }
            placed.add(f);
        }
    }

    /** Creates the missing directories of {@code path} in the tree, and in the directory when there is one. */
    private void mkdirs(String path, long mtime) {
        boolean known = tree.exists(path);
        tree.mkdirs(path, 0755, 0, 0, mtime);
        if (disk != null && !known) {
            disk.mkdirs(path);
        }
    }

    public List<InstalledPackage> installed() {
        return List.copyOf(installed);
    }

    /** Owner package of each non-directory path. */
    public Map<String, String> owners() {
        return Map.copyOf(ownerOf);
    }

    /** The installed database text (records separated by a blank line). */
    public static String database(List<InstalledPackage> packages) {
        StringBuilder sb = new StringBuilder();
        for (InstalledPackage p : packages) {
            sb.append(p.entry().render());
            if (!sb.toString().endsWith("\n")) {
                sb.append('\n');
            }
            var info = p.apk().pkgInfo();
            if (!info.replaces().isEmpty()) {
                sb.append("r:").append(String.join(" ", info.replaces())).append('\n');
            }
            if (info.replacesPriority() != null && info.replacesPriority() != 0) {
                sb.append("q:").append(info.replacesPriority()).append('\n');
            }
            appendFiles(sb, p.files());
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void appendFiles(StringBuilder sb, List<FileNode> files) {
        Map<String, FileNode> dirs = new LinkedHashMap<>();
        Map<String, List<FileNode>> byDir = new LinkedHashMap<>();
        Map<String, String> sha1ByPath = new HashMap<>();
        for (FileNode f : files) {
            if (f.sha1() != null) {
                sha1ByPath.put(f.path(), f.sha1());
            }
            if (f.kind() == FileNode.Kind.DIRECTORY) {
                dirs.put(f.path(), f);
                byDir.computeIfAbsent(f.path(), k -> new ArrayList<>());
            } else {
                int slash = f.path().lastIndexOf('/');
                byDir.computeIfAbsent(slash < 0 ? "" : f.path().substring(0, slash), k -> new ArrayList<>())
                        .add(f);
            }
        }
        for (Map.Entry<String, List<FileNode>> e : byDir.entrySet()) {
            sb.append("F:").append(e.getKey()).append('\n');
            FileNode d = dirs.get(e.getKey());
            if (d != null && (d.uid() != 0 || d.gid() != 0 || d.mode() != 0755)) {
                sb.append("M:")
                        .append(d.uid())
                        .append(':')
                        .append(d.gid())
                        .append(':')
                        .append(Integer.toOctalString(d.mode()))
                        .append('\n');
            }
            for (FileNode f : e.getValue()) {
                sb.append("R:")
                        .append(f.path().substring(f.path().lastIndexOf('/') + 1))
                        .append('\n');
                int defaultMode = f.kind() == FileNode.Kind.SYMLINK ? 0777 : 0644;
                if (f.uid() != 0 || f.gid() != 0 || f.mode() != defaultMode) {
                    sb.append("a:")
                            .append(f.uid())
                            .append(':')
                            .append(f.gid())
                            .append(':')
                            .append(Integer.toOctalString(f.mode()))
                            .append('\n');
                }
                String sha1 = f.sha1() != null
                        ? f.sha1()
                        : f.kind() == FileNode.Kind.HARDLINK ? sha1ByPath.get(f.linkTarget()) : null;
                if (sha1 == null && f.kind() == FileNode.Kind.SYMLINK) {
                    sha1 = Hashing.sha1Hex(f.link().getBytes(StandardCharsets.UTF_8));
                }
                if (sha1 != null) {
                    sb.append("Z:Q1")
                            .append(Hashing.base64(Hashing.unhex(sha1)))
                            .append('\n');
                }
            }
        }
    }

    /** The installed database of a tree that {@link #writeDatabase} has written (or an apko image's). */
    public static String databasePath(FileTree tree) {
        return tree.get(DB_DIR + "/installed")
                        .filter(n -> n.kind() == FileNode.Kind.FILE)
                        .isPresent()
                ? DB_DIR + "/installed"
                : USR_DB_DIR + "/installed";
    }

    private static boolean isSymlink(FileTree tree, String path) {
        return tree.get(path).filter(n -> n.kind() == FileNode.Kind.SYMLINK).isPresent();
    }

    /**
     * Writes the database, the lock file, triggers and the link between the two locations into the tree; for an
     * installer {@link #intoDirectory into a directory}, into the directory too, and then gives its directories
     * their modes, which had to wait until every package was in.
     */
    public void writeDatabase() {
        boolean underUsr = isSymlink(tree, "lib")
                || isSymlink(tree, "lib/apk")
                || tree.get("usr/lib/apk")
                        .filter(n -> n.kind() != FileNode.Kind.SYMLINK)
                        .isPresent()
                || isSymlink(tree, "usr")
                || isSymlink(tree, "usr/lib");
        String dbDir = underUsr ? USR_DB_DIR : DB_DIR;
        mkdirs(dbDir, sourceDateEpoch);
        putGenerated(FileNode.file(
                dbDir + "/installed",
                database(installed).getBytes(StandardCharsets.UTF_8),
                0644,
                0,
                0,
                sourceDateEpoch));
        putGenerated(FileNode.file(dbDir + "/lock", new byte[0], 0600, 0, 0, sourceDateEpoch));
        StringBuilder triggers = new StringBuilder();
        for (InstalledPackage p : installed) {
            if (!p.apk().pkgInfo().triggers().isEmpty()) {
                triggers.append(p.apk().identity())
                        .append(' ')
                        .append(String.join(" ", p.apk().pkgInfo().triggers()))
                        .append('\n');
            }
        }
        putGenerated(FileNode.file(
                dbDir + "/triggers",
                triggers.toString().getBytes(StandardCharsets.UTF_8),
                0644,
                0,
                0,
                sourceDateEpoch));
        if (!underUsr) {
            mkdirs("usr/lib", sourceDateEpoch);
            putGenerated(FileNode.symlink("usr/lib/apk", "../../lib/apk", 0, 0, sourceDateEpoch));
        } else if (!isSymlink(tree, "lib") && !tree.exists("lib/apk")) {
            mkdirs("lib", sourceDateEpoch);
            putGenerated(FileNode.symlink("lib/apk", "../usr/lib/apk", 0, 0, sourceDateEpoch));
        }
        if (disk != null) {
            disk.finish(tree);
        }
    }

    /** Puts a node the installer makes itself (the database's), into the directory too when there is one. */
    private void putGenerated(FileNode node) {
        try {
            tree.put(disk == null ? node : disk.put(node, null, tree.exists(node.path())));
        } catch (IOException e) { // only a content stream can fail to read, and there is none here
            throw new ApkException("cannot write /" + node.path() + ": " + e, e);
        }
    }
}
