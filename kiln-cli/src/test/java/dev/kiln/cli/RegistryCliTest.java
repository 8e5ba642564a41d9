package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kiln registry's storage options: a folder by --root or --storage, S3 by --storage s3://, never both. */
class RegistryCliTest {

    @Test
    void gcTakesTheFolderThroughStorageToo(@TempDir Path dir) {
        CliRun run = CliRun.of("registry", "gc", "--storage", dir.toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"event\":\"gc\"").contains("\"blobs\":0");
        assertThat(Files.isDirectory(dir.resolve("blobs"))).isTrue();
    }

    @Test
    void storageGivenTwiceIsRefusedBeforeAnyWork(@TempDir Path dir) {
        CliRun run = CliRun.of("registry", "gc", "--root", dir.toString(), "--storage", "s3://bucket/prefix");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--root DIR or --storage DIR|s3://BUCKET/PREFIX");
    }

    @Test
    void malformedBucketIsNamedInTheError() {
        CliRun run = CliRun.of("registry", "gc", "--storage", "s3://No_Such/prefix");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("S3 bucket name").contains("'No_Such'");
    }

    @Test
    void aDurationThatIsNotOneNamesItsOptionAndValue(@TempDir Path dir) {
        CliRun run = CliRun.of("registry", "gc", "--storage", dir.toString(), "--upload-expiry", "soon");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err())
                .contains("--upload-expiry: expected a duration such as 90s, 30m, 2h, 7d or PT1H, got 'soon'")
                .doesNotContain("NumberFormatException")
                .doesNotContain("For input string");
    }

    @Test
    void durationsAcceptEveryUnitAndIso8601() {
        assertThat(RegistryCommand.duration("--x", "90s")).hasSeconds(90);
        assertThat(RegistryCommand.duration("--x", "30m")).hasMinutes(30);
        assertThat(RegistryCommand.duration("--x", "2h")).hasHours(2);
        assertThat(RegistryCommand.duration("--x", "7d")).hasDays(7);
        assertThat(RegistryCommand.duration("--x", "PT1H")).hasHours(1);
        for (String bad : new String[] {"", "s", "10", "10w", "1.5h", "PTxH"}) {
            assertThatThrownBy(() -> RegistryCommand.duration("--gc-interval", bad))
                    .as(bad)
                    .hasMessageStartingWith("--gc-interval: expected a duration");
        }
    }
}
