package dev.kiln.vuln;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The advisory documents of a directory ({@code *.advisories.yaml}), keyed by origin package name.
 * Loading reports the problems of every file at once; nothing is returned when any file is invalid.
 */
public final class AdvisoryStore {
    private final Map<String, AdvisoryDocument> documents;

    private AdvisoryStore(Map<String, AdvisoryDocument> documents) {
        this.documents = Collections.unmodifiableMap(new TreeMap<>(documents));
    }

    public static AdvisoryStore of(Collection<AdvisoryDocument> docs) {
        Map<String, AdvisoryDocument> map = new TreeMap<>();
        for (AdvisoryDocument d : docs) {
            if (map.put(d.packageName(), d) != null) {
                throw new VulnException("two advisory documents for package " + d.packageName());
            }
        }
        return new AdvisoryStore(map);
    }

    /** Loads every {@code *.advisories.yaml} in {@code dir} (not recursive), in parallel. */
    public static AdvisoryStore load(Path dir, Clock clock) {
        List<Path> files = files(dir);
        AdvisoryLoader loader = new AdvisoryLoader(clock);
        Map<String, AdvisoryDocument> docs = new ConcurrentHashMap<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        files.parallelStream().forEach(f -> {
            try {
                AdvisoryDocument d = loader.load(f);
                if (docs.putIfAbsent(d.packageName(), d) != null) {
                    problems.add(f + ":1: a second document for package " + d.packageName());
                }
            } catch (VulnException e) {
                problems.addAll(e.problems());
            }
        });
        if (!problems.isEmpty()) {
            Collections.sort(problems);
            throw new VulnException(problems.size() + " problems in advisory documents under " + dir, problems);
        }
        return new AdvisoryStore(docs);
    }

    /** The advisory document files of a directory, sorted by name. */
    public static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".advisories.yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new VulnException("cannot list advisory directory " + dir + ": " + e.getMessage(), e);
        }
    }

    public Optional<AdvisoryDocument> get(String packageName) {
        return Optional.ofNullable(documents.get(packageName));
    }

    /** Documents sorted by package name. */
    public Collection<AdvisoryDocument> documents() {
        return documents.values();
    }

    public int documentCount() {
        return documents.size();
    }

    public int advisoryCount() {
        return documents.values().stream().mapToInt(d -> d.advisories().size()).sum();
    }
}
