package dev.kiln.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {

    @TempDir
    Path procSys;

    @Test
    void missingBwrapNamesTheFix() {
        assertThatThrownBy(() -> Preflight.check(Map.of("PATH", procSys.toString())))
                .isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("apt-get install bubblewrap")
                .hasMessageContaining(procSys.toString());
    }

    @Test
    void disabledUserNamespacesAreExplainedWithTheSysctl() throws IOException {
        Files.createDirectories(procSys.resolve("kernel"));
        Files.createDirectories(procSys.resolve("user"));
        Files.writeString(procSys.resolve("kernel/unprivileged_userns_clone"), "0\n");
        Files.writeString(procSys.resolve("user/max_user_namespaces"), "0\n");

        String msg = new Preflight(procSys)
                .diagnose(Path.of("/usr/bin/bwrap"), 1, "bwrap: No permissions to create new namespace");

        assertThat(msg)
                .contains(
                        "No permissions to create new namespace",
                        "sysctl -w kernel.unprivileged_userns_clone=1",
                        "sysctl -w user.max_user_namespaces=");
    }

    @Test
    void probeFailureWithAFakeBwrapIsReported() throws IOException {
        Path fake = procSys.resolve("bwrap");
        Files.writeString(fake, "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n");
        fake.toFile().setExecutable(true);

        assertThatThrownBy(() -> new Preflight(procSys).probe(fake))
                .isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining("Permission denied");
    }
}
