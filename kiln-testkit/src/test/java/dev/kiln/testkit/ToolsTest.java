package dev.kiln.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class ToolsTest {
    @TempDir
    Path bin;

    @Test
    void aMissingToolFailsInCiWithTheInstallCommand() {
        assertThatThrownBy(() ->
                        Tools.require(false, "umoci is not on the PATH", "apt-get install umoci", Map.of("CI", "true")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("umoci is not on the PATH")
                .hasMessageContaining("apt-get install umoci");
    }

    @Test
    void aMissingToolSkipsOnADevelopersMachine() {
        assertThatThrownBy(() -> Tools.require(false, "umoci is not on the PATH", "apt-get install umoci", Map.of()))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("apt-get install umoci");
        assertThatThrownBy(() -> Tools.require(false, "x", "apt-get install x", Map.of("CI", "false")))
                .isInstanceOf(TestAbortedException.class);
    }

    @Test
    void aPresentToolNeitherSkipsNorFails() {
        assertThatCode(() -> Tools.require(true, "x", "apt-get install x", Map.of("CI", "true")))
                .doesNotThrowAnyException();
    }

    @Test
    void onPathFindsOnlyExecutables() throws IOException {
        Path tool = Files.writeString(bin.resolve("tool"), "#!/bin/sh\n");
        Files.writeString(bin.resolve("data"), "");
        assertThat(tool.toFile().setExecutable(true)).isTrue();
        Map<String, String> env = Map.of("PATH", "/nonexistent::" + bin);

        assertThat(Tools.onPath("tool", env)).isTrue();
        assertThat(Tools.onPath("data", env)).isFalse();
        assertThat(Tools.onPath("missing", env)).isFalse();
    }
}
