package dev.kiln.registry.internal.s3;

import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The hash of each upload's bytes so far, as this process last saw them, keyed by the upload's
 * state version. It only saves re-reading the parts at completion: when another replica moved the
 * upload on, the version differs and the completing replica hashes the stored parts instead.
 */
final class RunningHashes {
    private static final int MAX_ENTRIES = 4096;

    private record Entry(String version, long size, MessageDigest hash) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** A copy of the hash of upload {@code id} at this version and size, or null when unknown here. */
    @Nullable
    MessageDigest get(String id, String version, long size) {
        Entry e = entries.get(id);
        if (e == null || !e.version().equals(version) || e.size() != size) {
            return null;
        }
        return copy(e.hash());
    }

    void put(String id, String version, long size, MessageDigest hash) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear(); // abandoned uploads: forgetting only costs a re-read at completion
        }
        entries.put(id, new Entry(version, size, copy(hash)));
    }

    void remove(String id) {
        entries.remove(id);
    }

    private static MessageDigest copy(MessageDigest md) {
        try {
            return (MessageDigest) md.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("JDK message digests are cloneable", e);
        }
    }
}
