package dev.kiln.apk.internal;

import dev.kiln.apk.ApkException;
import dev.kiln.apk.FileOwners;
import dev.kiln.content.Hashing;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarType;
import dev.kiln.content.TarWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Writes a host directory as the APK data tar (apk.md §1): depth-first, names sorted by UTF-8
 * bytes in each directory (Go's fs.WalkDir order, as melange), root omitted, owners as
 * {@link FileOwners} translates the host ids (root:root by default), host modes, every mtime = SOURCE_DATE_EPOCH, SHA-1 PAX records on files and symlinks,
 * hard links as link entries.
 */
public final class DataTreeWriter {
    public static final String CHECKSUM_RECORD = "APK-TOOLS.checksum.SHA1";
    public static final String XATTR_PREFIX = "SCHILY.xattr.";

    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFIFO = 0010000;
    /** Files up to this size are read once into memory; bigger ones are read twice (hash, then copy). */
    private static final long IN_MEMORY_LIMIT = 4L << 20;

    private static final Comparator<Path> BY_NAME_BYTES = (a, b) -> Arrays.compareUnsigned(
            a.getFileName().toString().getBytes(StandardCharsets.UTF_8),
            b.getFileName().toString().getBytes(StandardCharsets.UTF_8));

    private final Path root;
    private final TarWriter tar;
    private final Map<String, Map<String, byte[]>> xattrs;
    private final long mtime;
    private final FileOwners owners;
    /** The owner of the entry being written; set per entry by {@link #walk}. */
    private FileOwners.Owner owner = FileOwners.Owner.ROOT;

    private final Map<String, String> firstLinkByInode = new HashMap<>();
    private final Set<String> xattrPathsUsed = new HashSet<>();
    private final byte[] buffer = new byte[1 << 17];
    private long installedSize;

    public DataTreeWriter(
            Path root, TarWriter tar, Map<String, Map<String, byte[]>> xattrs, long mtime, FileOwners owners) {
        this.root = root;
        this.tar = tar;
        this.xattrs = xattrs;
        this.mtime = mtime;
        this.owners = owners;
    }

    /** Writes every entry below the root and returns the sum of regular file sizes (hard links once). */
    public long write() throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new ApkException("package data directory " + root + " does not exist or is not a directory");
        }
        walk(root, "");
        Set<String> unknown = new HashSet<>(xattrs.keySet());
        unknown.removeAll(xattrPathsUsed);
        if (!unknown.isEmpty()) {
            throw new ApkException("extended attributes given for paths not in " + root + ": "
                    + unknown.stream().sorted().toList());
        }
        return installedSize;
    }

    private void walk(Path dir, String prefix) throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.sorted(BY_NAME_BYTES).toList();
        }
        for (Path child : children) {
            String rel = prefix + child.getFileName().toString();
            Map<String, Object> attrs =
                    Files.readAttributes(child, "unix:mode,ino,dev,nlink,size,rdev,uid,gid", LinkOption.NOFOLLOW_LINKS);
            int mode = attr(attrs, "mode", Integer.class);
            owner = owners.of(attr(attrs, "uid", Integer.class), attr(attrs, "gid", Integer.class));
            switch (mode & S_IFMT) {
                case S_IFDIR -> {
                    tar.writeHeader(header(rel + "/", TarType.DIRECTORY, mode, 0, "", 0, 0, pax(rel, null)));
                    walk(child, rel + "/");
                }
                case S_IFREG -> writeFile(child, rel, mode, attrs);
                case S_IFLNK -> {
                    String target = Files.readSymbolicLink(child).toString();
                    String sha1 = Hashing.sha1Hex(target.getBytes(StandardCharsets.UTF_8));
                    tar.writeHeader(header(rel, TarType.SYMLINK, mode, 0, target, 0, 0, pax(rel, sha1)));
                }
                case S_IFCHR, S_IFBLK -> {
                    long rdev = attr(attrs, "rdev", Long.class);
                    int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
                    int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
                    TarType type = (mode & S_IFMT) == S_IFCHR ? TarType.CHAR_DEVICE : TarType.BLOCK_DEVICE;
                    tar.writeHeader(header(rel, type, mode, 0, "", major, minor, pax(rel, null)));
                }
                case S_IFIFO -> tar.writeHeader(header(rel, TarType.FIFO, mode, 0, "", 0, 0, pax(rel, null)));
                default ->
                    throw new ApkException("cannot package " + child + ": sockets and other special files"
                            + " are not allowed in a package");
            }
        }
    }

    /** One attribute of the {@code unix:} view; the JDK returns every attribute asked for, so null is a bug. */
    private static <T> T attr(Map<String, Object> attrs, String name, Class<T> type) {
        return type.cast(Objects.requireNonNull(attrs.get(name), () -> "no unix:" + name + " attribute"));
    }

    private void writeFile(Path file, String rel, int mode, Map<String, Object> attrs) throws IOException {
        long size = attr(attrs, "size", Long.class);
        if (attr(attrs, "nlink", Integer.class) > 1) {
            String inode = attrs.get("dev") + ":" + attrs.get("ino");
            String first = firstLinkByInode.putIfAbsent(inode, rel);
            if (first != null) {
                tar.writeHeader(header(rel, TarType.HARDLINK, mode, 0, first, 0, 0, pax(rel, null)));
                return;
            }
        }
        installedSize += size;
        if (size <= IN_MEMORY_LIMIT) {
            byte[] content = Files.readAllBytes(file);
            if (content.length != size) {
                throw new ApkException("file " + file + " changed while being packaged");
            }
            tar.write(header(rel, TarType.FILE, mode, size, "", 0, 0, pax(rel, Hashing.sha1Hex(content))), content);
            return;
        }
        MessageDigest sha1 = Hashing.sha1();
        long hashed = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha1.update(buffer, 0, n);
                hashed += n;
            }
        }
        if (hashed != size) {
            throw new ApkException("file " + file + " changed while being packaged");
        }
        TarHeader h = header(rel, TarType.FILE, mode, size, "", 0, 0, pax(rel, Hashing.hex(sha1.digest())));
        try (InputStream in = Files.newInputStream(file)) {
            tar.write(h, in);
        }
    }

    private Map<String, byte[]> pax(String rel, @Nullable String sha1) {
        Map<String, byte[]> records = new TreeMap<>();
        if (sha1 != null) {
            records.put(CHECKSUM_RECORD, sha1.getBytes(StandardCharsets.US_ASCII));
        }
        Map<String, byte[]> attrs = xattrs.get(rel);
        if (attrs != null) {
            xattrPathsUsed.add(rel);
            attrs.forEach((name, value) -> records.put(XATTR_PREFIX + name, value));
        }
        return records;
    }

    private TarHeader header(
            String name,
            TarType type,
            int mode,
            long size,
            String link,
            int major,
            int minor,
            Map<String, byte[]> pax) {
        return new TarHeader(
                name,
                type,
                mode & 07777,
                owner.uid(),
                owner.gid(),
                owner.user(),
                owner.group(),
                size,
                mtime,
                link,
                major,
                minor,
                pax);
    }
}
