package dev.kiln.oci.internal;

import dev.kiln.content.TarHeader;
import dev.kiln.content.TarReader;
import dev.kiln.content.TarType;
import dev.kiln.content.TarWriter;
import dev.kiln.oci.Blob;
import dev.kiln.oci.OciException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Tar plumbing shared by the OCI and Docker archive formats: fixed owner, mode and mtime 0. */
public final class ArchiveEntries {
    private ArchiveEntries() {}

    public static void dir(TarWriter tar, String name) throws IOException {
        tar.writeHeader(TarHeader.of(name, TarType.DIRECTORY, 0755, 0, 0));
    }

    public static void file(TarWriter tar, String name, byte[] content) throws IOException {
        tar.write(TarHeader.of(name, TarType.FILE, 0644, content.length, 0), content);
    }

    public static void blob(TarWriter tar, String name, Blob blob) throws IOException {
        try (InputStream in = blob.open()) {
            tar.write(TarHeader.of(name, TarType.FILE, 0644, blob.descriptor().size(), 0), in);
        }
    }

    /** Regular files of a tar, name (without leading {@code ./}) to content. */
    public static Map<String, byte[]> readFiles(Path archive) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(archive)) {
            TarReader tar = new TarReader(in);
            for (TarHeader h; (h = tar.next()) != null; ) {
                if (h.type() == TarType.FILE) {
                    String name = h.name().startsWith("./") ? h.name().substring(2) : h.name();
                    files.put(name, tar.readContent());
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new OciException("cannot read archive " + archive + ": " + e.getMessage(), e);
        }
        return files;
    }
}
