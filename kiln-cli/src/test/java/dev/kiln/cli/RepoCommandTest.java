package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code kiln repo gc} parses its flags and refuses storage that has no shared repository before any request. */
class RepoCommandTest {
    @Test
    void refusesADirectoryStorage() {
        CliRun run = CliRun.of("repo", "gc", "--storage", "/shared/outputs");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--storage '/shared/outputs': expected s3://BUCKET/PREFIX");
    }

    @Test
    void answersHelp() {
        CliRun run = CliRun.of("repo", "gc", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: kiln repo gc").contains("--grace", "--storage");
    }
}
