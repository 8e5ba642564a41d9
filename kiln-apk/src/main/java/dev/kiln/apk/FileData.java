package dev.kiln.apk;

import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of a regular file in a {@link FileTree}: held in memory (an installed package, an image being
 * assembled), read from elsewhere each time they are asked for (a file of an unpacked directory, which a scan
 * must not copy into memory), or not kept at all (a layer file a scan does not read), in which case only the
 * size is known. The size is always known, so a tree can be measured without reading it.
 */
public final class FileData {
    private final long size;
    private final byte @Nullable [] bytes;
    private final @Nullable Supplier<byte[]> reader;

    private FileData(long size, byte @Nullable [] bytes, @Nullable Supplier<byte[]> reader) {
        this.size = size;
        this.bytes = bytes;
        this.reader = reader;
    }

    /** Bytes held in memory: the caller's array itself, shared (a layer and its tree) rather than copied. */
    public static FileData of(byte[] bytes) {
        return new FileData(bytes.length, Objects.requireNonNull(bytes, "bytes"), null);
    }

    /**
     * Bytes that {@code reader} supplies on every {@link #bytes()} call, never cached; the reader throws the
     * caller's own unchecked exception, naming the file, when it cannot read them.
     */
    public static FileData lazy(long size, Supplier<byte[]> reader) {
        return new FileData(size, null, Objects.requireNonNull(reader, "reader"));
    }

    /** A file of {@code size} bytes whose contents were not kept. */
    public static FileData absent(long size) {
        return new FileData(size, null, null);
    }

    public long size() {
        return size;
    }

    /** Whether {@link #bytes()} has the contents (held or readable). */
    public boolean isAvailable() {
        return bytes != null || reader != null;
    }

    /** The contents: the held bytes (not a copy), freshly read ones, or null when they were not kept. */
    public byte @Nullable [] bytes() {
        if (bytes != null) {
            return bytes;
        }
        return reader == null ? null : reader.get();
    }
}
