package dev.kiln.build.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Finds the day a build ran written into its package, in the forms programs print it: {@code date}'s default
 * ({@code Thu Dec  3 10:21:07 UTC 2026}), C's {@code __DATE__} ({@code Dec  3 2026}) and ISO 8601
 * ({@code 2026-12-03}). A package that carries its build's wall-clock time is different on every rebuild (perl's
 * {@code Configure} stamps it into {@code Config.pm}), which a toolchain bootstrap otherwise learns only hours later,
 * when stage 3 differs from stage 2. It looks only when {@code SOURCE_DATE_EPOCH} falls on another day, so the
 * date cannot have come from it.
 */
public final class BuildTimeLeak {
    /** Name under {@code checks.disabled} that turns the check off. */
    public static final String CHECK = "buildtime";

    private static final String SBOM_DIR = "var/lib/db/sbom/";
    private static final int BUFFER = 1 << 20;

    private BuildTimeLeak() {}

    /** The first file holding the build's day and how many hold it. */
    public record Finding(String path, String marker, int files) {
        public String message(long sourceDateEpoch) {
            return path + ": contains the day of the build (\"" + marker + "\")"
                    + (files > 1 ? " (and " + (files - 1) + " more files)" : "") + " though SOURCE_DATE_EPOCH is "
                    + LocalDate.ofInstant(Instant.ofEpochSecond(sourceDateEpoch), ZoneOffset.UTC)
                    + ": a rebuild will differ (take the time from SOURCE_DATE_EPOCH)";
        }
    }

    /**
     * Scans every regular file under {@code packageDir} but the package's SBOM.
     *
     * @param buildDays the days (UTC) the build ran on: its start and its end
     */
    public static Optional<Finding> scan(Path packageDir, Set<LocalDate> buildDays, long sourceDateEpoch) {
        LocalDate epochDay = LocalDate.ofInstant(Instant.ofEpochSecond(sourceDateEpoch), ZoneOffset.UTC);
        List<byte[]> markers = new ArrayList<>();
        for (LocalDate day : buildDays) {
            if (!day.equals(epochDay)) {
                markers(day).forEach(m -> markers.add(m.getBytes(StandardCharsets.US_ASCII)));
            }
        }
        if (markers.isEmpty() || !Files.isDirectory(packageDir)) {
            return Optional.empty();
        }
        @Nullable String first = null;
        @Nullable String firstMarker = null;
        int files = 0;
        try (Stream<Path> walk = Files.walk(packageDir)) {
            for (Path file : walk.sorted().toList()) {
                String rel = packageDir.relativize(file).toString().replace('\\', '/');
                if (rel.startsWith(SBOM_DIR) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                byte @Nullable [] found = firstMarkerIn(file, markers);
                if (found != null) {
                    files++;
                    if (first == null) {
                        first = rel;
                        firstMarker = new String(found, StandardCharsets.US_ASCII);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + packageDir, e);
        }
        return first == null || firstMarker == null
                ? Optional.empty()
                : Optional.of(new Finding(first, firstMarker, files));
    }

    /** The forms of {@code day} that programs write (date(1), __DATE__, ISO 8601). */
    static Set<String> markers(LocalDate day) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(day.toString());
        forms.add(DateTimeFormatter.ofPattern("MMM ppd yyyy", Locale.ROOT).format(day));
        forms.add(DateTimeFormatter.ofPattern("EEE MMM ppd ", Locale.ROOT).format(day));
        return forms;
    }

    /** Reads {@code file} in blocks that overlap by the longest marker, so a marker across two blocks is found. */
    private static byte @Nullable [] firstMarkerIn(Path file, List<byte[]> markers) throws IOException {
        int overlap = markers.stream().mapToInt(m -> m.length).max().orElse(0) - 1;
        byte[] buf = new byte[BUFFER + overlap];
        int kept = 0;
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                int n = in.readNBytes(buf, kept, BUFFER);
                int end = kept + n;
                for (byte[] marker : markers) {
                    if (indexOf(buf, end, marker) >= 0) {
                        return marker;
                    }
                }
                if (n < BUFFER) {
                    return null;
                }
                kept = Math.min(overlap, end);
                System.arraycopy(buf, end - kept, buf, 0, kept);
            }
        }
    }

    private static int indexOf(byte[] data, int end, byte[] marker) {
        byte head = marker[0];
        for (int i = 0, last = end - marker.length; i <= last; i++) {
            if (data[i] != head) {
                continue;
            }
            int j = 1;
            while (j < marker.length && data[i + j] == marker[j]) {
                j++;
            }
            if (j == marker.length) {
                return i;
            }
        }
        return -1;
    }
}
