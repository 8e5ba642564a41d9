package dev.kiln.apk;

import dev.kiln.apk.internal.DataTreeWriter;
import dev.kiln.apk.internal.Streams;
import dev.kiln.content.AtomicFiles;
import dev.kiln.content.Digest;
import dev.kiln.content.Gzip;
import dev.kiln.content.Hashing;
import dev.kiln.content.TarWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes signed APK v2 packages (apk.md §1–§3): data stream first (to a temporary file, hashed as it
 * is written), then {@code .PKGINFO} with size and datahash, then the control stream, then its
 * RSA-SHA256 signature. Identical input and key give identical bytes.
 */
public final class ApkWriter {
    /** Control files after {@code .PKGINFO}, in melange's order; others follow sorted by name. */
    private static final List<String> CONTROL_ORDER = List.of(
            ".melange.yaml",
            ".pre-install",
            ".post-install",
            ".pre-deinstall",
            ".post-deinstall",
            ".pre-upgrade",
            ".post-upgrade",
            ".trigger");

    private static final Set<String> EXECUTABLE = Set.of(
            ".pre-install",
            ".post-install",
            ".pre-deinstall",
            ".post-deinstall",
            ".pre-upgrade",
            ".post-upgrade",
            ".trigger");

    private final int gzipLevel;

    public ApkWriter() {
        this(Gzip.DEFAULT_LEVEL);
    }

    public ApkWriter(int gzipLevel) {
        this.gzipLevel = gzipLevel;
    }

    public WrittenApk write(ApkInput input, ApkSigningKey key, Path outputFile) {
        Path dir = outputFile.toAbsolutePath().getParent();
        Path dataTemp = null;
        try {
            Files.createDirectories(dir);
            dataTemp = Files.createTempFile(dir, ".kiln-apk-data-", ".tmp");
            MessageDigest dataSha256 = Hashing.sha256();
            long installedSize;
            try (OutputStream file = new DigestOutputStream(Files.newOutputStream(dataTemp), dataSha256)) {
                OutputStream gz = Gzip.compressing(file, gzipLevel);
                TarWriter tar = new TarWriter(gz);
                installedSize = new DataTreeWriter(
                                input.dataDir(), tar, input.xattrs(), input.sourceDateEpoch(), input.owners())
                        .write();
                tar.finish();
                gz.close();
            }
            PkgInfo info = input.pkgInfo().toBuilder()
                    .size(installedSize)
                    .datahash(Hashing.hex(dataSha256.digest()))
                    .build();
            byte[] control = controlStream(info, input.controlFiles(), input.sourceDateEpoch());
            byte[] signature = Streams.signatureStream(key, control, input.sourceDateEpoch(), gzipLevel);
            String identity = "Q1" + Hashing.base64(Hashing.sha1().digest(control));

            MessageDigest whole = Hashing.sha256();
            long[] total = new long[1];
            Path data = dataTemp;
            AtomicFiles.write(outputFile, out -> {
                DigestOutputStream d = new DigestOutputStream(out, whole);
                d.write(signature);
                d.write(control);
                try (InputStream in = Files.newInputStream(data)) {
                    total[0] = signature.length + control.length + AtomicFiles.transfer(in, d);
                }
                d.flush();
            });
            return new WrittenApk(outputFile, info, identity, total[0], Digest.ofSha256(whole.digest()));
        } catch (IOException e) {
            throw new ApkException(
                    "cannot write package " + outputFile + " from " + input.dataDir() + ": " + e.getMessage(), e);
        } finally {
            if (dataTemp != null) {
                try {
                    Files.deleteIfExists(dataTemp);
                } catch (IOException ignored) {
                    // a leftover temporary file is not worth masking the result
                }
            }
        }
    }

    private byte[] controlStream(PkgInfo info, Map<String, byte[]> extra, long mtime) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, Integer> modes = new LinkedHashMap<>();
        files.put(".PKGINFO", info.render().getBytes(StandardCharsets.UTF_8));
        List<String> names = new ArrayList<>(extra.keySet());
        for (String name : names) {
            if (!name.startsWith(".")
                    || name.contains("/")
                    || name.equals(".PKGINFO")
                    || name.startsWith(Streams.SIGN_PREFIX)) {
                throw new ApkException("control file name '" + name + "' is not allowed: it must start with '.',"
                        + " contain no '/', and not be .PKGINFO or .SIGN.*");
            }
        }
        names.sort((a, b) -> {
            int ia = CONTROL_ORDER.indexOf(a);
            int ib = CONTROL_ORDER.indexOf(b);
            ia = ia < 0 ? CONTROL_ORDER.size() : ia;
            ib = ib < 0 ? CONTROL_ORDER.size() : ib;
            return ia != ib ? Integer.compare(ia, ib) : a.compareTo(b);
        });
        for (String name : names) {
            files.put(name, extra.get(name));
            modes.put(name, EXECUTABLE.contains(name) ? 0755 : 0644);
        }
        return Streams.tarGz(files, modes, mtime, false, gzipLevel);
    }
}
