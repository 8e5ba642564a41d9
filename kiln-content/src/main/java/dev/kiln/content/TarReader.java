package dev.kiln.content;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads ustar/PAX/GNU tar entries. An archive may end with zero blocks or simply at the end of
 * the stream on a block boundary (APK signature and control streams have no end-of-archive).
 * PAX {@code path}, {@code linkpath} and {@code size} and GNU long names are applied to the
 * header; all other PAX records are kept in {@link TarHeader#paxRecords()}.
 */
public final class TarReader {
    private static final int BLOCK = TarWriter.BLOCK;

    private final InputStream in;
    private final byte[] block = new byte[BLOCK];
    private long remaining;
    private long padding;
    private boolean ended;

    public TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end of the archive; unread content of the previous entry is skipped. */
    public @Nullable TarHeader next() throws IOException {
        skipRest();
        Map<String, byte[]> pax = new LinkedHashMap<>();
        String longName = null;
        String longLink = null;
        while (true) {
            if (ended || !readBlock()) {
                ended = true;
                return null;
            }
            if (isZero(block)) {
                ended = true;
                return null;
            }
            verifyChecksum();
            char flag = (char) block[156];
            long size = number(124, 12);
            switch (flag) {
                case 'x' -> parsePax(readBody(size), pax);
                case 'g' -> readBody(size); // global records carry nothing Kiln uses
                case 'L' -> longName = cString(readBody(size));
                case 'K' -> longLink = cString(readBody(size));
                default -> {
                    return header(flag, size, pax, longName, longLink);
                }
            }
        }
    }

    /** The content of the entry returned by the last {@link #next()}. */
    public InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                return InputStreams.readByte(this);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("tar entry content truncated, " + remaining + " bytes missing");
                }
                remaining -= n;
                return n;
            }
        };
    }

    public byte[] readContent() throws IOException {
        if (remaining > Integer.MAX_VALUE - 16) {
            throw new ContentException("tar entry of " + remaining + " bytes is too large to hold in memory");
        }
        return content().readAllBytes();
    }

    private TarHeader header(
            char flag, long size, Map<String, byte[]> pax, @Nullable String longName, @Nullable String longLink) {
        String name = field(0, 100);
        String prefix = block[257] == 'u' && block[262] == 0 ? field(345, 155) : ""; // POSIX ustar only
        if (!prefix.isEmpty()) {
            name = prefix + "/" + name;
        }
        String link = field(157, 100);
        if (longName != null) {
            name = longName;
        }
        if (longLink != null) {
            link = longLink;
        }
        byte[] v;
        if ((v = pax.remove("path")) != null) {
            name = new String(v, StandardCharsets.UTF_8);
        }
        if ((v = pax.remove("linkpath")) != null) {
            link = new String(v, StandardCharsets.UTF_8);
        }
        if ((v = pax.remove("size")) != null) {
            String text = new String(v, StandardCharsets.UTF_8).trim();
            try {
                size = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new ContentException(
                        "tar entry '" + name + "': PAX record 'size' must be a decimal byte count, got '" + text + "'",
                        e);
            }
        }
        TarType type = TarType.ofFlag(flag);
        long contentSize = type == TarType.FILE ? size : 0;
        // Some writers give hard links a size; their data (if any) must still be skipped.
        remaining = size;
        padding = (BLOCK - size % BLOCK) % BLOCK;
        return new TarHeader(
                name,
                type,
                (int) number(100, 8) & 07777,
                number(108, 8),
                number(116, 8),
                field(265, 32),
                field(297, 32),
                contentSize,
                number(136, 12),
                link,
                (int) number(329, 8),
                (int) number(337, 8),
                pax);
    }

    private byte[] readBody(long size) throws IOException {
        if (size > 1 << 24) {
            throw new ContentException("tar extension header of " + size + " bytes is implausibly large");
        }
        byte[] body = in.readNBytes((int) size);
        if (body.length != size) {
            throw new EOFException("tar extension header truncated");
        }
        long pad = (BLOCK - size % BLOCK) % BLOCK;
        in.skipNBytes(pad);
        return body;
    }

    private static void parsePax(byte[] body, Map<String, byte[]> pax) {
        int i = 0;
        while (i < body.length) {
            int space = i;
            while (space < body.length && body[space] != ' ') {
                space++;
            }
            int len;
            try {
                len = Integer.parseInt(new String(body, i, space - i, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new ContentException("malformed PAX record length at byte " + i, e);
            }
            int end = i + len;
            if (len <= 0 || end > body.length || body[end - 1] != '\n') {
                throw new ContentException("malformed PAX record at byte " + i);
            }
            int eq = space + 1;
            while (eq < end && body[eq] != '=') {
                eq++;
            }
            String key = new String(body, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            pax.put(key, Arrays.copyOfRange(body, eq + 1, end - 1));
            i = end;
        }
    }

    private void skipRest() throws IOException {
        long toSkip = remaining + padding;
        remaining = 0;
        padding = 0;
        if (toSkip > 0) {
            in.skipNBytes(toSkip);
        }
    }

    private boolean readBlock() throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw new EOFException("tar header truncated: " + n + " of 512 bytes");
        }
        return true;
    }

    private void verifyChecksum() {
        long stored = number(148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : block[i] & 0xff;
        }
        if (sum != stored) {
            throw new ContentException("tar header checksum mismatch for '" + field(0, 100) + "': expected " + stored
                    + ", computed " + sum);
        }
    }

    private long number(int off, int len) {
        if ((block[off] & 0x80) != 0) { // GNU base-256
            long v = block[off] & 0x7f;
            for (int i = off + 1; i < off + len; i++) {
                v = (v << 8) | (block[i] & 0xff);
            }
            return v;
        }
        long v = 0;
        for (int i = off; i < off + len; i++) {
            byte c = block[i];
            if (c == 0 || (c == ' ' && v != 0)) {
                break;
            }
            if (c == ' ') {
                continue;
            }
            if (c < '0' || c > '7') {
                throw new ContentException("bad octal digit in tar header of '" + field(0, 100) + "' at offset " + i);
            }
            v = v * 8 + (c - '0');
        }
        return v;
    }

    private String field(int off, int len) {
        int end = off;
        while (end < off + len && block[end] != 0) {
            end++;
        }
        return new String(block, off, end - off, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] b) {
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
