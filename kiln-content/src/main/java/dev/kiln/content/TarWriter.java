package dev.kiln.content;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes ustar entries with PAX extended headers, deterministically: every field comes from the
 * {@link TarHeader}, nothing from the host. Names longer than 100 bytes, link targets longer than
 * 100 bytes and sizes beyond 8 GiB go into PAX records. The writer does not own {@code out}.
 */
public final class TarWriter {
    public static final int BLOCK = 512;
    private static final long MAX_OCTAL_11 = 077777777777L;
    private static final byte[] ZEROS = new byte[BLOCK * 2];

    private final OutputStream out;
    private final byte[] copyBuffer = new byte[1 << 17];
    private long written;

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /** Bytes written so far, headers and padding included. */
    public long bytesWritten() {
        return written;
    }

    public void write(TarHeader header, byte[] content) throws IOException {
        if (content.length != header.size()) {
            throw new ContentException("tar entry " + header.name() + ": header size " + header.size() + " but "
                    + content.length + " content bytes");
        }
        writeHeader(header);
        writeRaw(content, 0, content.length);
        pad(content.length);
    }

    /** Writes the header and exactly {@code header.size()} bytes from {@code content}. */
    public void write(TarHeader header, InputStream content) throws IOException {
        writeHeader(header);
        long remaining = header.size();
        while (remaining > 0) {
            int n = content.read(copyBuffer, 0, (int) Math.min(copyBuffer.length, remaining));
            if (n < 0) {
                throw new EOFException("tar entry " + header.name() + ": content ended " + remaining
                        + " bytes before the declared size " + header.size());
            }
            writeRaw(copyBuffer, 0, n);
            remaining -= n;
        }
        pad(header.size());
    }

    /** Writes a header for an entry without content (directories, links, devices, empty files). */
    public void writeHeader(TarHeader header) throws IOException {
        Map<String, byte[]> pax = new TreeMap<>(header.paxRecords());
        byte[] name = utf8(header.name());
        byte[] link = utf8(header.linkName());
        if (name.length > 100) {
            pax.put("path", name);
        }
        if (link.length > 100) {
            pax.put("linkpath", link);
        }
        if (header.size() > MAX_OCTAL_11) {
            pax.put("size", utf8(Long.toString(header.size())));
        }
        if (!pax.isEmpty()) {
            byte[] records = paxRecords(pax);
            TarHeader paxHeader = new TarHeader(
                    paxName(header.name()),
                    TarType.FILE,
                    0644,
                    0,
                    0,
                    "",
                    "",
                    records.length,
                    header.mtime(),
                    "",
                    0,
                    0,
                    Map.of());
            writeBlock(encode(paxHeader, 'x'));
            writeRaw(records, 0, records.length);
            pad(records.length);
        }
        writeBlock(encode(header, header.type().flag()));
    }

    /** Writes the two zero blocks that end an archive. */
    public void finish() throws IOException {
        writeRaw(ZEROS, 0, ZEROS.length);
    }

    private void writeBlock(byte[] block) throws IOException {
        writeRaw(block, 0, BLOCK);
    }

    private void writeRaw(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        written += len;
    }

    private void pad(long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            writeRaw(ZEROS, 0, BLOCK - rest);
        }
    }

    /** Go's archive/tar naming for PAX headers (dir/PaxHeaders.0/base), which GNU tar hides when listing. */
    private static String paxName(String name) {
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        int slash = trimmed.lastIndexOf('/');
        String dir = slash < 0 ? "" : trimmed.substring(0, slash + 1);
        String paxName = dir + "PaxHeaders.0/" + trimmed.substring(slash + 1);
        return paxName;
    }

    private static byte[] paxRecords(Map<String, byte[]> pax) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : pax.entrySet()) {
            byte[] key = utf8(e.getKey());
            byte[] value = e.getValue();
            int body = 1 + key.length + 1 + value.length + 1; // ' ' key '=' value '\n'
            int len = body + Integer.toString(body).length();
            if (Integer.toString(len).length() != Integer.toString(body).length()) {
                len = body + Integer.toString(len).length();
            }
            out.writeBytes(utf8(Integer.toString(len)));
            out.write(' ');
            out.writeBytes(key);
            out.write('=');
            out.writeBytes(value);
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static byte[] encode(TarHeader h, char flag) {
        byte[] b = new byte[BLOCK];
        put(b, 0, 100, truncateUtf8(h.name(), 100));
        octal(b, 100, 8, h.mode() & 07777);
        octal(b, 108, 8, h.uid());
        octal(b, 116, 8, h.gid());
        octal(b, 124, 12, h.size() > MAX_OCTAL_11 ? 0 : h.size());
        octal(b, 136, 12, h.mtime());
        b[156] = (byte) flag;
        put(b, 157, 100, truncateUtf8(h.linkName(), 100));
        put(b, 257, 6, "ustar\0");
        put(b, 263, 2, "00");
        put(b, 265, 32, truncateUtf8(h.userName(), 32));
        put(b, 297, 32, truncateUtf8(h.groupName(), 32));
        if (h.type() == TarType.CHAR_DEVICE || h.type() == TarType.BLOCK_DEVICE) {
            octal(b, 329, 8, h.devMajor());
            octal(b, 337, 8, h.devMinor());
        }
        Arrays.fill(b, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte x : b) {
            sum += x & 0xff;
        }
        String chk = String.format("%06o", sum);
        put(b, 148, 6, chk);
        b[154] = 0;
        b[155] = ' ';
        return b;
    }

    private static void octal(byte[] b, int off, int len, long value) {
        String s = Long.toOctalString(value);
        if (value < 0 || s.length() > len - 1) {
            throw new ContentException("value " + value + " does not fit a " + len + "-byte tar field");
        }
        String padded = "0".repeat(len - 1 - s.length()) + s;
        put(b, off, len - 1, padded);
        b[off + len - 1] = 0;
    }

    private static void put(byte[] b, int off, int len, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, b, off, Math.min(len, bytes.length));
    }

    private static void put(byte[] b, int off, int len, byte[] bytes) {
        System.arraycopy(bytes, 0, b, off, Math.min(len, bytes.length));
    }

    private static byte[] truncateUtf8(String s, int max) {
        byte[] bytes = utf8(s);
        return bytes.length <= max ? bytes : Arrays.copyOf(bytes, max);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
