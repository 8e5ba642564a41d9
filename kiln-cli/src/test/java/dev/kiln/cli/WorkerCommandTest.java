package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code kiln worker} parses its flags and refuses what cannot work before touching the queue. */
class WorkerCommandTest {
    @Test
    void needsADatabaseAndAStorage() {
        CliRun run = CliRun.of("worker", "--storage", "/shared/outputs");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--database=<database>'");
    }

    @Test
    void refusesALeaseTooShortForItsHeartbeats() {
        CliRun run = CliRun.of(
                "worker", "--database", "postgresql://kiln@127.0.0.1:1/kiln", "--storage", "/shared", "--lease", "1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--lease 1: expected at least 4 seconds");
    }

    @Test
    void answersHelp() {
        CliRun run = CliRun.of("worker", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: kiln worker").contains("--exit-when-idle", "--lease");
    }
}
