package dev.kiln.vuln.feed;

import dev.kiln.content.AtomicFiles;
import dev.kiln.vuln.VulnException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A local store of OSV records imported from files or directories (any ecosystem), one file per record
 * under {@code DIR/ECOSYSTEM/ID.json}, with the time of the last import in {@code DIR/updated}. An import
 * parses every input before writing anything, so bad input leaves the store as it was; a record replaces
 * a stored one only when its {@code modified} time is not older.
 */
public final class OsvStore {
    private static final String UPDATED = "updated";

    private final Path dir;

    public OsvStore(Path dir) {
        this.dir = dir;
    }

    /** Imports records from a JSON file or every {@code *.json} below a directory; returns how many were stored. */
    public int importFrom(Path source, Clock clock) {
        List<OsvRecord> incoming = readAll(source);
        int stored = 0;
        for (OsvRecord r : incoming) {
            String eco =
                    r.affected().isEmpty() ? "unknown" : r.affected().get(0).ecosystem();
            Path target = dir.resolve(safe(eco)).resolve(safe(r.id()) + ".json");
            if (Files.exists(target)) {
                OsvRecord old = read(target).get(0);
                if (old.modified().isAfter(r.modified())) {
                    continue;
                }
            }
            AtomicFiles.write(target, OsvCodec.toJson(r));
            stored++;
        }
        AtomicFiles.write(dir.resolve(UPDATED), (clock.instant().toString() + "\n").getBytes(StandardCharsets.UTF_8));
        return stored;
    }

    /** When the store was last updated, empty if never. */
    public Optional<Instant> updated() {
        Path f = dir.resolve(UPDATED);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(Files.readString(f).trim()));
        } catch (IOException | java.time.DateTimeException e) {
            throw new VulnException("cannot read the update time in " + f + ": " + e.getMessage(), e);
        }
    }

    public List<OsvRecord> records() {
        List<OsvRecord> out = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            for (Path f : jsonFiles(dir)) {
                out.addAll(read(f));
            }
        }
        return out;
    }

    /** Reads records from a file or directory without storing them. */
    public static List<OsvRecord> readAll(Path source) {
        List<OsvRecord> out = new ArrayList<>();
        for (Path f : jsonFiles(source)) {
            out.addAll(read(f));
        }
        return out;
    }

    private static List<OsvRecord> read(Path f) {
        try {
            return OsvCodec.parse(Files.readAllBytes(f), f.toString());
        } catch (IOException e) {
            throw new VulnException("cannot read OSV file " + f + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> jsonFiles(Path source) {
        if (!Files.isDirectory(source)) {
            if (!Files.isRegularFile(source)) {
                throw new VulnException("OSV source " + source + " does not exist");
            }
            return List.of(source);
        }
        try (Stream<Path> s = Files.walk(source)) {
            return s.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new VulnException("cannot list " + source + ": " + e.getMessage(), e);
        }
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
