package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two builds installing the same environment at once: the second to finish keeps the first one's tree. */
class EnvironmentCacheTest {

    @Test
    void theLoserOfAnInstallRaceDropsItsTreeAndKeepsTheWinners(@TempDir Path dir) throws Exception {
        Path entry = Files.createDirectories(dir.resolve("environments/key"));
        Files.writeString(entry.resolve("winner"), "first\n");
        Path partial = Files.createDirectories(dir.resolve("environments/key.partial-1"));
        Files.writeString(partial.resolve("loser"), "second\n");

        assertThat(EnvironmentCache.moveIntoPlace(partial, entry)).isFalse();

        assertThat(partial).doesNotExist();
        assertThat(entry.resolve("winner")).hasContent("first");
        assertThat(entry.resolve("loser")).doesNotExist();
    }

    @Test
    void theFirstInstallIsRenamedIntoPlace(@TempDir Path dir) throws Exception {
        Path partial = Files.createDirectories(dir.resolve("key.partial-1"));
        Files.writeString(partial.resolve("file"), "x\n");

        assertThat(EnvironmentCache.moveIntoPlace(partial, dir.resolve("key"))).isTrue();

        assertThat(dir.resolve("key/file")).hasContent("x");
    }
}
