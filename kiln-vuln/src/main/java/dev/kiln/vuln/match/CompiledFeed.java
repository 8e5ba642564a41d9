package dev.kiln.vuln.match;

import dev.kiln.content.AtomicFiles;
import dev.kiln.vuln.EventType;
import dev.kiln.vuln.FalsePositiveType;
import dev.kiln.vuln.VulnException;
import dev.kiln.vuln.inventory.Distro;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A distribution feed compiled to a compact binary file, so a scan maps one file instead of parsing and
 * validating every advisory document (the cost of a cold {@code kiln scan} is that parse, not the match).
 * Unlike a secdb it keeps every state: fixed, not affected with its false-positive type, and open with its
 * note. Layout: magic {@code KILNFEED}, format version, the distribution it describes ({@code ID:RELEASE}, UTF
 * length-prefixed) and its date (epoch milliseconds, {@code Long.MIN_VALUE} when unknown), a table of distinct strings, then per package its
 * name and entries as string-table indexes ({@code -1} for null). Enums are stored by name, so reordering
 * them does not silently change a compiled file's meaning. Packages are written sorted: same feed, same bytes.
 */
public final class CompiledFeed {
    private static final byte[] MAGIC = "KILNFEED".getBytes(StandardCharsets.US_ASCII);
    /** 2 added the distribution the feed describes and its date (after the format number). */
    private static final int FORMAT = 2;

    private CompiledFeed() {}

    public static byte[] encode(DistroFeed feed) {
        Map<String, Integer> index = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(new TreeSet<>(feed.packageNames()));
        for (String name : names) {
            intern(index, name);
            for (DistroEntry e : feed.entries(name)) {
                intern(index, e.advisoryId());
                e.ids().forEach(id -> intern(index, id));
                intern(index, e.status().name());
                intern(index, e.fixedVersion());
                intern(index, e.state().name());
                intern(
                        index,
                        e.falsePositiveType() == null
                                ? null
                                : e.falsePositiveType().name());
                intern(index, e.note());
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(feed.distro().id() + ":" + feed.distro().release());
            out.writeLong(
                    feed.updated() == null ? Long.MIN_VALUE : feed.updated().toEpochMilli());
            out.writeInt(index.size());
            for (String s : index.keySet()) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
            out.writeInt(names.size());
            for (String name : names) {
                out.writeInt(ref(index, name));
                List<DistroEntry> entries = feed.entries(name);
                out.writeInt(entries.size());
                for (DistroEntry e : entries) {
                    out.writeInt(ref(index, e.advisoryId()));
                    out.writeInt(e.ids().size());
                    for (String id : e.ids()) {
                        out.writeInt(ref(index, id));
                    }
                    out.writeInt(ref(index, e.status().name()));
                    out.writeInt(ref(index, e.fixedVersion()));
                    out.writeInt(ref(index, e.state().name()));
                    out.writeInt(ref(
                            index,
                            e.falsePositiveType() == null
                                    ? null
                                    : e.falsePositiveType().name()));
                    out.writeInt(ref(index, e.note()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    public static void write(DistroFeed feed, Path file) {
        AtomicFiles.write(file, encode(feed));
    }

    /** Reads a compiled feed through a memory mapping. */
    public static DistroFeed read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return decode(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()), file.toString());
        } catch (IOException e) {
            throw new VulnException(file + ": cannot read compiled feed: " + e.getMessage(), e);
        }
    }

    public static DistroFeed decode(ByteBuffer buf, String source) {
        try {
            byte[] magic = new byte[MAGIC.length];
            buf.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new VulnException(
                        source + ": not a compiled feed (expected magic KILNFEED); run kiln advisory compile");
            }
            int format = buf.getInt();
            if (format != FORMAT) {
                throw new VulnException(
                        source + ": compiled feed format " + format + ", expected " + FORMAT + "; compile it again");
            }
            byte[] distroText = new byte[buf.getShort() & 0xffff];
            buf.get(distroText);
            String d = new String(distroText, StandardCharsets.UTF_8);
            Distro distro = new Distro(d.substring(0, Math.max(0, d.indexOf(':'))), d.substring(d.indexOf(':') + 1));
            long millis = buf.getLong();
            Instant updated = millis == Long.MIN_VALUE ? null : Instant.ofEpochMilli(millis);
            String[] strings = new String[count(buf, source)];
            for (int i = 0; i < strings.length; i++) {
                byte[] b = new byte[count(buf, source)];
                buf.get(b);
                strings[i] = new String(b, StandardCharsets.UTF_8);
            }
            int packages = count(buf, source);
            Map<String, List<DistroEntry>> map = new HashMap<>(packages * 2);
            for (int p = 0; p < packages; p++) {
                String name = required(strings, buf.getInt(), source);
                int n = count(buf, source);
                List<DistroEntry> entries = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    String id = required(strings, buf.getInt(), source);
                    List<String> ids = new ArrayList<>();
                    for (int k = count(buf, source); k > 0; k--) {
                        ids.add(required(strings, buf.getInt(), source));
                    }
                    DistroEntry.Status status = DistroEntry.Status.valueOf(required(strings, buf.getInt(), source));
                    String fixed = str(strings, buf.getInt(), source);
                    EventType state = EventType.valueOf(required(strings, buf.getInt(), source));
                    String fp = str(strings, buf.getInt(), source);
                    String note = str(strings, buf.getInt(), source);
                    entries.add(new DistroEntry(
                            id, ids, status, fixed, state, fp == null ? null : FalsePositiveType.valueOf(fp), note));
                }
                map.put(name, List.copyOf(entries));
            }
            if (buf.hasRemaining()) {
                throw new VulnException(source + ": compiled feed has " + buf.remaining() + " trailing bytes");
            }
            return DistroFeed.ofMap(map, distro, updated);
        } catch (BufferUnderflowException e) {
            throw new VulnException(source + ": compiled feed is truncated", e);
        } catch (IllegalArgumentException e) {
            throw new VulnException(source + ": compiled feed names an unknown value: " + e.getMessage(), e);
        }
    }

    private static int count(ByteBuffer buf, String source) {
        int n = buf.getInt();
        if (n < 0 || n > buf.remaining()) {
            throw new VulnException(
                    source + ": compiled feed is corrupt (count " + n + " at offset " + (buf.position() - 4) + ")");
        }
        return n;
    }

    /** A string every entry has (a name, an id, a status, a state); -1 there is corruption. */
    private static String required(String[] strings, int i, String source) {
        String s = str(strings, i, source);
        if (s == null) {
            throw new VulnException(source + ": compiled feed is corrupt (a required string is missing)");
        }
        return s;
    }

    private static @Nullable String str(String[] strings, int i, String source) {
        if (i == -1) {
            return null;
        }
        if (i < 0 || i >= strings.length) {
            throw new VulnException(source + ": compiled feed is corrupt (string " + i + " of " + strings.length + ")");
        }
        return strings[i];
    }

    private static void intern(Map<String, Integer> index, @Nullable String s) {
        if (s != null) {
            index.putIfAbsent(s, index.size());
        }
    }

    /** The index of {@code s}, interned before anything is written; -1 for null. */
    private static int ref(Map<String, Integer> index, @Nullable String s) {
        return s == null ? -1 : Objects.requireNonNull(index.get(s), "every string is interned before writing");
    }
}
