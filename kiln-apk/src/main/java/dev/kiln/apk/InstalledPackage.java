package dev.kiln.apk;

import java.util.List;

/** A package installed into an image: its index record, where it came from, the files it placed, and its package. */
public record InstalledPackage(IndexEntry entry, String repository, ApkPackage apk, List<FileNode> files) {
    public InstalledPackage {
        files = List.copyOf(files);
    }

    public String name() {
        return entry.name();
    }

    public String version() {
        return entry.version();
    }
}
