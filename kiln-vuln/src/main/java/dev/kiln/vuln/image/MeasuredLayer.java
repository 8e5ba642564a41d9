package dev.kiln.vuln.image;

import dev.kiln.content.Digest;
import dev.kiln.content.Gzip;
import dev.kiln.content.Hashing;
import dev.kiln.oci.LayerStack;
import dev.kiln.oci.distribution.IoSupplier;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;

/**
 * A layer stream that counts its stored and unpacked bytes and checks the stored digest. Closing it reads
 * the rest of the stream first: a tar reader stops at the end-of-archive blocks, but the digest and the
 * unpacked size cover every byte.
 */
final class MeasuredLayer implements LayerStack.Source {
    private final String name;
    private final @Nullable Digest expected;
    private final IoSupplier<InputStream> stored;
    private long compressed = -1;
    private long uncompressed = -1;

    @Override
    public String describe() {
        return expected == null ? name : expected.toString();
    }

    /** @param expected the digest the stored bytes must have; null to skip the check */
    MeasuredLayer(String name, @Nullable Digest expected, IoSupplier<InputStream> stored) {
        this.name = name;
        this.expected = expected;
        this.stored = stored;
    }

    long compressed() {
        return compressed;
    }

    long uncompressed() {
        return uncompressed;
    }

    @Override
    public InputStream open() throws IOException {
        MessageDigest sha = expected == null || !expected.algorithm().equals("sha256") ? null : Hashing.sha256();
        Counting raw = new Counting(stored.get(), sha);
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int a = buffered.read();
        int b = buffered.read();
        buffered.reset();
        if (a == 0x28 && b == 0xb5) {
            buffered.close();
            throw new IOException(name + " is zstd-compressed, which Kiln does not read yet");
        }
        InputStream plain = Gzip.decompressingIfGzip(buffered);
        return new Counting(plain, null) {
            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                try {
                    return super.read(buf, off, len);
                } catch (IOException e) {
                    throw new IOException(name + ": " + e.getMessage(), e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    transferTo(OutputStream.nullOutputStream());
                    compressed = raw.count;
                    uncompressed = count;
                    if (sha != null) {
                        Digest actual = Digest.ofSha256(sha.digest());
                        if (!actual.equals(expected)) {
                            throw new IOException(name + " has digest " + actual + "; its descriptor says " + expected);
                        }
                    }
                } finally {
                    super.close();
                }
            }
        };
    }

    /** Counts (and optionally hashes) what passes; skipping reads, so nothing escapes the count or hash. */
    private static class Counting extends FilterInputStream {
        private final @Nullable MessageDigest sha;
        long count;

        Counting(InputStream in, @Nullable MessageDigest sha) {
            super(in);
            this.sha = sha;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
                if (sha != null) {
                    sha.update((byte) b);
                }
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n > 0) {
                count += n;
                if (sha != null) {
                    sha.update(buf, off, n);
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] scratch = new byte[(int) Math.min(n, 1 << 16)];
            long left = n;
            while (left > 0) {
                int r = read(scratch, 0, (int) Math.min(left, scratch.length));
                if (r < 0) {
                    break;
                }
                left -= r;
            }
            return n - left;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
