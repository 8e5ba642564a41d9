package dev.kiln.oci;

import dev.kiln.content.ContentException;
import dev.kiln.content.Gzip;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarReader;
import dev.kiln.content.TarType;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import org.jspecify.annotations.Nullable;

/**
 * An image's layers flattened into the one tree a container sees: the single implementation of layer
 * application in Kiln. Each layer's tar stream is read (gzip-compressed or not, told by its first bytes),
 * then, as the OCI image spec says (layer.md, "Whiteouts"), its whiteouts hide what the layers below it hold
 * ({@code .wh.NAME} removes NAME and everything under it, {@code .wh..wh..opq} everything under its
 * directory), and only then are its own entries added, so a whiteout never hides an entry of its own layer.
 * A non-directory replacing a directory takes the directory's contents with it. A hard link is resolved when
 * its layer is applied and shares its target's bytes.
 */
public final class LayerStack {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    /** Supplies one layer's tar stream (plain or gzip-compressed); called once. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;

        /** How errors name this layer, e.g. by its digest; empty when there is nothing better than its position. */
        default String describe() {
            return "";
        }
    }

    /**
     * One path of the flattened tree: the tar header that put it there and, for a regular file (or a hard link
     * to one) the caller chose to keep, its bytes; {@code linkTarget} is the entry a hard link resolved to, or
     * null (also for a hard link whose target was not in the tree).
     */
    // the bytes are the layer's, shared with every hard link to them and not copied; entries are looked up by
    // path, never compared
    @SuppressWarnings("ArrayRecordComponent")
    public record Entry(
            String path,
            TarHeader header,
            byte @Nullable [] content,
            @Nullable Entry linkTarget) {}

    private LayerStack() {}

    /** Every layer's entries, contents included. */
    public static NavigableMap<String, Entry> flatten(List<? extends Source> layers) {
        return flatten(layers, (header, path) -> true);
    }

    /**
     * Applies {@code layers} in order, bottom first; only the contents of regular files that {@code keepContent}
     * selects (by header and normalized path) are held in memory.
     *
     * @return entries by normalized path (no leading {@code /} or {@code ./}, no trailing {@code /}), sorted
     * @throws OciException naming the layer (by position and {@link Source#describe()}) that cannot be read
     */
    public static NavigableMap<String, Entry> flatten(
            List<? extends Source> layers, BiPredicate<TarHeader, String> keepContent) {
        NavigableMap<String, Entry> tree = new TreeMap<>();
        for (int i = 0; i < layers.size(); i++) {
            List<Entry> added = new ArrayList<>();
            List<String> whiteouts = new ArrayList<>();
            List<String> opaque = new ArrayList<>();
            try (BufferedInputStream raw = new BufferedInputStream(layers.get(i).open(), 1 << 16)) {
                TarReader tar = new TarReader(Gzip.decompressingIfGzip(raw));
                for (TarHeader h; (h = tar.next()) != null; ) {
                    String path = normalize(h.name());
                    if (path.isEmpty()) {
                        continue;
                    }
                    String dir = parent(path);
                    String name = path.substring(path.lastIndexOf('/') + 1);
                    if (name.equals(OPAQUE)) {
                        opaque.add(dir);
                    } else if (name.startsWith(WHITEOUT)) {
                        whiteouts.add(join(dir, name.substring(WHITEOUT.length())));
                    } else {
                        byte[] content =
                                h.type() == TarType.FILE && keepContent.test(h, path) ? tar.readContent() : null;
                        added.add(new Entry(path, h, content, null));
                    }
                }
            } catch (IOException | ContentException | UncheckedIOException e) {
                String what = layers.get(i).describe();
                throw new OciException(
                        "layer " + (i + 1) + " of " + layers.size() + (what.isEmpty() ? "" : " (" + what + ")")
                                + " is corrupt or unreadable: " + e.getMessage(),
                        e);
            }
            opaque.forEach(dir -> removeBelow(tree, dir));
            whiteouts.forEach(p -> {
                tree.remove(p);
                removeBelow(tree, p);
            });
            List<Entry> hardlinks = new ArrayList<>();
            for (Entry e : added) {
                Entry old = tree.get(e.path());
                if (old != null
                        && old.header().type() == TarType.DIRECTORY
                        && e.header().type() != TarType.DIRECTORY) {
                    removeBelow(tree, e.path());
                }
                tree.put(e.path(), e);
                if (e.header().type() == TarType.HARDLINK) {
                    hardlinks.add(e);
                }
            }
            resolveHardlinks(tree, hardlinks);
        }
        return Collections.unmodifiableNavigableMap(tree);
    }

    // a hard link naming itself is that very entry (identity), not another entry with equal fields
    @SuppressWarnings("ReferenceEquality")
    private static void resolveHardlinks(NavigableMap<String, Entry> tree, List<Entry> hardlinks) {
        for (Entry link : hardlinks) {
            Entry target = tree.get(normalize(link.header().linkName()));
            if (target != null && target != link) {
                Entry via = target.linkTarget();
                Entry resolved = via != null ? via : target;
                tree.put(link.path(), new Entry(link.path(), link.header(), resolved.content(), resolved));
            }
        }
    }

    /**
     * An entry name as a path in the image: no empty or {@code .} components and no leading or trailing
     * {@code /}; a {@code ..} takes away the component before it and stays at the root there, as in a chroot, so
     * no entry lands outside the image.
     */
    public static String normalize(String name) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        while (start <= name.length()) {
            int slash = name.indexOf('/', start);
            int end = slash < 0 ? name.length() : slash;
            String part = name.substring(start, end);
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
            start = end + 1;
        }
        return String.join("/", parts);
    }

    private static void removeBelow(NavigableMap<String, Entry> tree, String dir) {
        String prefix = dir.isEmpty() ? "" : dir + "/";
        tree.subMap(prefix, true, prefix + Character.MAX_VALUE, false).clear();
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }
}
