package dev.kiln.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds upstream-style release tarballs ({@code NAME-VERSION/…}) in memory, deterministically. */
public final class Tarballs {
    private Tarballs() {}

    /** A gzipped tar of text files under {@code topDir/}; paths ending in {@code *} are made executable. */
    public static byte[] targz(String topDir, Map<String, String> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, String> e : new TreeMap<>(files).entrySet()) {
                boolean exec = e.getKey().endsWith("*");
                String name = exec ? e.getKey().substring(0, e.getKey().length() - 1) : e.getKey();
                byte[] content = e.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(topDir + "/" + name);
                entry.setSize(content.length);
                entry.setMode(exec ? 0100755 : 0100644);
                entry.setModTime(1_600_000_000_000L);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
