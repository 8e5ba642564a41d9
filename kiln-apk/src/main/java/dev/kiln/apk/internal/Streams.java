package dev.kiln.apk.internal;

import dev.kiln.apk.ApkException;
import dev.kiln.apk.ApkSigningKey;
import dev.kiln.content.Gzip;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarType;
import dev.kiln.content.TarWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/** Builds the small gzip streams shared by packages and indexes (apk.md §1, §3, §7.1). */
public final class Streams {
    public static final String SIGN_PREFIX = ".SIGN.";

    private Streams() {}

    /** One gzip member holding {@code files} (name → content, in map order) as root-owned entries. */
    public static byte[] tarGz(
            Map<String, byte[]> files, Map<String, Integer> modes, long mtime, boolean endOfArchive, int level) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = Gzip.compressing(bytes, level)) {
            TarWriter tar = new TarWriter(gz);
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                int mode = modes.getOrDefault(e.getKey(), 0644);
                tar.write(TarHeader.of(e.getKey(), TarType.FILE, mode, e.getValue().length, mtime), e.getValue());
            }
            if (endOfArchive) {
                tar.finish();
            }
        } catch (IOException e) {
            throw new ApkException("cannot build tar stream: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /** The signature stream: {@code .SIGN.RSA256.<key>.pub} over SHA-256 of {@code signed}, no end-of-archive. */
    public static byte[] signatureStream(ApkSigningKey key, byte[] signed, long mtime, int level) {
        String name = SIGN_PREFIX + "RSA256." + key.publicKeyName();
        return tarGz(Map.of(name, key.signSha256(signed)), Map.of(), mtime, false, level);
    }
}
