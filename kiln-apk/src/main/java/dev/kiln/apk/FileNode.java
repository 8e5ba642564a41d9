package dev.kiln.apk;

import dev.kiln.apk.internal.PackageData;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarType;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One entry of an image's file tree. {@code path} is relative to the image root, without leading or
 * trailing slash; {@code data} is set for regular files (held, read on demand, or only sized, see
 * {@link FileData}); {@code linkTarget} for symlinks (as written) and hard links (a tree path);
 * {@code owner} is the installing package's name, or null for what the assembler creates; {@code sha1}
 * is the hex checksum apk records, when known.
 */
public record FileNode(
        String path,
        Kind kind,
        int mode,
        long uid,
        long gid,
        long mtime,
        @Nullable FileData data,
        @Nullable String linkTarget,
        Map<String, byte[]> xattrs,
        @Nullable String owner,
        @Nullable String sha1,
        int devMajor,
        int devMinor) {

    public enum Kind {
        FILE,
        DIRECTORY,
        SYMLINK,
        HARDLINK,
        CHAR_DEVICE,
        BLOCK_DEVICE,
        FIFO;

        /** The kind a tar entry of {@code type} becomes in the tree. */
        public static Kind of(TarType type) {
            return switch (type) {
                case FILE -> FILE;
                case DIRECTORY -> DIRECTORY;
                case SYMLINK -> SYMLINK;
                case HARDLINK -> HARDLINK;
                case CHAR_DEVICE -> CHAR_DEVICE;
                case BLOCK_DEVICE -> BLOCK_DEVICE;
                case FIFO -> FIFO;
            };
        }

        /** The tar entry type a node of this kind is written as. */
        public TarType tarType() {
            return switch (this) {
                case FILE -> TarType.FILE;
                case DIRECTORY -> TarType.DIRECTORY;
                case SYMLINK -> TarType.SYMLINK;
                case HARDLINK -> TarType.HARDLINK;
                case CHAR_DEVICE -> TarType.CHAR_DEVICE;
                case BLOCK_DEVICE -> TarType.BLOCK_DEVICE;
                case FIFO -> TarType.FIFO;
            };
        }
    }

    public FileNode {
        // callers outside the NullAway-checked modules may still pass null for "none"
        xattrs = xattrs == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(xattrs));
        mode &= 07777;
    }

    /**
     * Every field given. Modules outside kiln-apk call this rather than the canonical constructor: javac
     * does not carry a record component's type-use {@code @Nullable} onto the compact constructor's
     * parameters in the class file, so NullAway in another module would refuse null content or link target.
     */
    public static FileNode of(
            String path,
            Kind kind,
            int mode,
            long uid,
            long gid,
            long mtime,
            byte @Nullable [] content,
            @Nullable String linkTarget,
            Map<String, byte[]> xattrs,
            @Nullable String owner,
            @Nullable String sha1,
            int devMajor,
            int devMinor) {
        return new FileNode(
                path, kind, mode, uid, gid, mtime, data(content), linkTarget, xattrs, owner, sha1, devMajor, devMinor);
    }

    /**
     * The node tar entry {@code h} becomes at tree path {@code path}: its kind, mode, owner, mtime, device numbers
     * and {@code SCHILY.xattr.} records; {@code data} for a regular file, {@code link} for a symlink (as written)
     * or a hard link (already a tree path), as the caller read them.
     */
    public static FileNode ofTar(String path, TarHeader h, @Nullable FileData data, @Nullable String link) {
        Map<String, byte[]> xattrs = new TreeMap<>(PackageData.xattrRecords(h));
        return new FileNode(
                path,
                Kind.of(h.type()),
                h.mode(),
                h.uid(),
                h.gid(),
                h.mtime(),
                data,
                link,
                xattrs,
                null,
                null,
                h.devMajor(),
                h.devMinor());
    }

    private static @Nullable FileData data(byte @Nullable [] content) {
        return content == null ? null : FileData.of(content);
    }

    public static FileNode directory(String path, int mode, long uid, long gid, long mtime) {
        return new FileNode(path, Kind.DIRECTORY, mode, uid, gid, mtime, null, null, Map.of(), null, null, 0, 0);
    }

    public static FileNode file(String path, byte[] content, int mode, long uid, long gid, long mtime) {
        return new FileNode(
                path, Kind.FILE, mode, uid, gid, mtime, FileData.of(content), null, Map.of(), null, null, 0, 0);
    }

    /** A regular file whose contents {@code data} holds, reads on demand, or only sizes. */
    public static FileNode file(String path, FileData data, int mode, long uid, long gid, long mtime) {
        return new FileNode(path, Kind.FILE, mode, uid, gid, mtime, data, null, Map.of(), null, null, 0, 0);
    }

    public static FileNode symlink(String path, String target, long uid, long gid, long mtime) {
        return new FileNode(path, Kind.SYMLINK, 0777, uid, gid, mtime, null, target, Map.of(), null, null, 0, 0);
    }

    /** The target of a symlink or hard link node, which always has one. */
    public String link() {
        return Objects.requireNonNull(linkTarget, () -> kind + " node /" + path + " has no link target");
    }

    /**
     * A regular file's contents: the held bytes (not a copy), bytes read now, or null when they were not kept
     * (see {@link FileData}); null for every other kind.
     */
    public byte @Nullable [] content() {
        return data == null ? null : data.bytes();
    }

    public long size() {
        return kind == Kind.FILE
                ? Objects.requireNonNull(data, "a FILE node carries its data").size()
                : 0;
    }

    public FileNode withOwnership(int newMode, long newUid, long newGid) {
        return new FileNode(
                path, kind, newMode, newUid, newGid, mtime, data, linkTarget, xattrs, owner, sha1, devMajor, devMinor);
    }

    public FileNode withLink(@Nullable String newTarget) {
        return new FileNode(
                path, kind, mode, uid, gid, mtime, data, newTarget, xattrs, owner, sha1, devMajor, devMinor);
    }

    /** The same node with its bytes held elsewhere (in memory, or on disk once written). */
    public FileNode withData(FileData newData) {
        return new FileNode(
                path, kind, mode, uid, gid, mtime, newData, linkTarget, xattrs, owner, sha1, devMajor, devMinor);
    }

    public FileNode withPath(String newPath) {
        return new FileNode(
                newPath, kind, mode, uid, gid, mtime, data, linkTarget, xattrs, owner, sha1, devMajor, devMinor);
    }
}
