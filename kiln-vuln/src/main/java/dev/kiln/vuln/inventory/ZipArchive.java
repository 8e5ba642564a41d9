package dev.kiln.vuln.inventory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A zip archive in memory, read through its central directory (APPNOTE.TXT 4.3.12, 4.3.16) as
 * {@code java.util.zip.ZipFile} does, not entry by entry from the front like {@code ZipInputStream}. That way
 * bytes before the first entry (the launch script of a Spring Boot "fully executable" jar) and STORED entries
 * whose sizes are only in a data descriptor (4.3.9) read like any other entry. An entry that cannot be
 * read does not hide the others.
 */
final class ZipArchive {
    private static final int EOCD = 0x06054b50;
    private static final int CEN = 0x02014b50;
    private static final int LOC = 0x04034b50;
    private static final int EOCD_SIZE = 22;
    private static final int MAX_COMMENT = 0xffff;
    /** More than an entry of a jar we scan ever needs; a bigger size is a corrupt or hostile header. */
    private static final long MAX_ENTRY = 1L << 30;

    record Entry(String name, int method, long compressedSize, long size, long localHeader) {}

    private final ByteBuffer buf;
    private final long shift;
    private final List<Entry> entries;

    private ZipArchive(ByteBuffer buf, long shift, List<Entry> entries) {
        this.buf = buf;
        this.shift = shift;
        this.entries = entries;
    }

    /** The archive in {@code bytes}, or empty when there is no readable central directory. */
    static Optional<ZipArchive> open(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int end = -1;
        for (int i = bytes.length - EOCD_SIZE; i >= Math.max(0, bytes.length - EOCD_SIZE - MAX_COMMENT); i--) {
            if (b.getInt(i) == EOCD && i + EOCD_SIZE + (b.getShort(i + 20) & 0xffff) == bytes.length) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return Optional.empty();
        }
        int count = b.getShort(end + 10) & 0xffff;
        long cenSize = b.getInt(end + 12) & 0xffffffffL;
        long cenOffset = b.getInt(end + 16) & 0xffffffffL;
        long cenStart = end - cenSize;
        if (cenStart < 0) {
            return Optional.empty();
        }
        // Offsets are relative to the archive's start; data prepended to it (a launch script) moves everything
        // by the same amount, which the central directory's real position reveals.
        long shift = cenStart - cenOffset;
        List<Entry> entries = new ArrayList<>(count);
        int pos = (int) cenStart;
        for (int i = 0; i < count; i++) {
            if (pos + 46 > end || b.getInt(pos) != CEN) {
                break; // a truncated directory still yields the entries before the damage
            }
            int method = b.getShort(pos + 10) & 0xffff;
            long csize = b.getInt(pos + 20) & 0xffffffffL;
            long size = b.getInt(pos + 24) & 0xffffffffL;
            int nameLen = b.getShort(pos + 28) & 0xffff;
            int extraLen = b.getShort(pos + 30) & 0xffff;
            int commentLen = b.getShort(pos + 32) & 0xffff;
            long local = b.getInt(pos + 42) & 0xffffffffL;
            if (pos + 46 + nameLen > end) {
                break;
            }
            String name = new String(bytes, pos + 46, nameLen, StandardCharsets.UTF_8);
            entries.add(new Entry(name, method, csize, size, local));
            pos += 46 + nameLen + extraLen + commentLen;
        }
        return Optional.of(new ZipArchive(b, shift, List.copyOf(entries)));
    }

    List<Entry> entries() {
        return entries;
    }

    /** The entry's content, or empty when its header, method or data is unusable. */
    Optional<byte[]> read(Entry e) {
        long at = e.localHeader() + shift;
        if (at < 0
                || at + 30 > buf.limit()
                || buf.getInt((int) at) != LOC
                || e.size() > MAX_ENTRY
                || e.compressedSize() > MAX_ENTRY) {
            return Optional.empty();
        }
        long data = at + 30 + (buf.getShort((int) at + 26) & 0xffff) + (buf.getShort((int) at + 28) & 0xffff);
        if (data + e.compressedSize() > buf.limit()) {
            return Optional.empty();
        }
        byte[] raw = new byte[(int) e.compressedSize()];
        buf.get((int) data, raw);
        if (e.method() == 0) {
            return Optional.of(raw);
        }
        if (e.method() != 8) {
            return Optional.empty();
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(raw);
            byte[] out = new byte[(int) e.size()];
            int n = 0;
            while (n < out.length && !inflater.finished()) {
                int k = inflater.inflate(out, n, out.length - n);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += k;
            }
            return n == out.length ? Optional.of(out) : Optional.empty();
        } catch (DataFormatException ex) {
            return Optional.empty();
        } finally {
            inflater.end();
        }
    }
}
