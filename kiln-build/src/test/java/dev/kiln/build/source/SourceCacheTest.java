package dev.kiln.build.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.content.Hashing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceCacheTest {
    @TempDir
    Path tmp;

    @Test
    void aFileImportedOnceIsNotReadAgainUntilItChanges() throws Exception {
        SourceCache cache = new SourceCache(tmp.resolve("cache"));
        Path file = tmp.resolve("hello_2.10.orig.tar.gz");
        Files.writeString(file, "first");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));

        SourceCache.Imported first = cache.importFileOnce(file);
        assertThat(first.sha256().hex()).isEqualTo(Hashing.sha256Hex("first".getBytes(StandardCharsets.UTF_8)));
        assertThat(cache.find(first.sha256())).isPresent();

        // same size and time, other bytes: an import that read the file would name other checksums, so
        // this one answered from its record
        Files.writeString(file, "FIRST");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        assertThat(cache.importFileOnce(file)).isEqualTo(first);

        // same size and time but the cache lost the entry: imported afresh
        Files.delete(first.path());
        assertThat(cache.importFileOnce(file).path()).exists();

        // changed content (and so size and time): hashed again
        Files.writeString(file, "second, longer");
        SourceCache.Imported changed = cache.importFileOnce(file);
        assertThat(changed.sha256().hex())
                .isEqualTo(Hashing.sha256Hex("second, longer".getBytes(StandardCharsets.UTF_8)));
    }
}
