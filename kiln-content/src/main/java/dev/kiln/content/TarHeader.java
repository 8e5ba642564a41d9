package dev.kiln.content;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One tar entry's metadata. {@code paxRecords} are extra PAX records written (sorted by key)
 * before the entry, e.g. {@code APK-TOOLS.checksum.SHA1} or {@code SCHILY.xattr.*}; values are
 * raw bytes because extended attribute values are binary. Long names and sizes are handled by
 * the writer and never need to appear here.
 */
public record TarHeader(
        String name,
        TarType type,
        int mode,
        long uid,
        long gid,
        String userName,
        String groupName,
        long size,
        long mtime,
        String linkName,
        int devMajor,
        int devMinor,
        Map<String, byte[]> paxRecords) {

    public TarHeader {
        if (name == null || name.isEmpty()) {
            throw new ContentException("tar entry name is empty");
        }
        if (type == null) {
            throw new ContentException("tar entry " + name + " has no type");
        }
        if (size < 0 || (type != TarType.FILE && size != 0)) {
            throw new ContentException("tar entry " + name + " of type " + type + " cannot have size " + size);
        }
        userName = userName == null ? "" : userName;
        groupName = groupName == null ? "" : groupName;
        linkName = linkName == null ? "" : linkName;
        paxRecords = paxRecords == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(paxRecords));
    }

    /** A root-owned entry with no link, no device numbers and no PAX records. */
    public static TarHeader of(String name, TarType type, int mode, long size, long mtime) {
        return new TarHeader(name, type, mode, 0, 0, "root", "root", size, mtime, "", 0, 0, Map.of());
    }
}
