package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.kiln.apk.ApkEntry;
import dev.kiln.apk.ApkReader;
import dev.kiln.sandbox.IdentityMap;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What real recipes need of the build's identity (libmilter's {@code install -o root}, util-linux's
 * {@code chgrp tty}, a {@code make install} that leaves 0444 files), built for real and read back
 * from the APK.
 */
class BuildAsRootIT {

    @Test
    void theBuildIsRootInsideAndThePackageRecordsOwnersAsTheBuildLeftThem(@TempDir Path dir) {
        assumeThat(IdentityMap.forCurrentProcess().kind())
                .as("other ids exist only in a root-run Kiln's range")
                .isEqualTo(IdentityMap.Kind.SUBORDINATE);
        BuildFixture f = new BuildFixture(dir);
        Path recipe = f.writeRecipe("owned", """
                package:
                  name: owned
                  version: "1.0"
                  epoch: 0
                  description: "files with owners"
                  copyright:
                    - license: MIT
                pipeline:
                  - runs: |
                      test "$(id -u)" = 0
                      d=${{targets.destdir}}/usr/share/owned
                      mkdir -p $d
                      echo v1 > $d/readonly
                      chmod 0444 $d/readonly
                      echo v2 > $d/readonly
                      install -o root -g root -m 0644 $d/readonly $d/installed
                      echo tty > $d/tty-owned
                      chgrp tty $d/tty-owned
                      echo daemon > $d/daemon-owned
                      chown daemon:daemon $d/daemon-owned
                """);

        BuildResult result = f.build(recipe);

        Map<String, ApkEntry> entries = ApkReader.read(result.packages().get(0).file()).entries().stream()
                .collect(Collectors.toMap(ApkEntry::path, e -> e));
        assertThat(entries.get("usr/share/owned/readonly"))
                .extracting(ApkEntry::uid, ApkEntry::gid)
                .containsExactly(0, 0);
        assertThat(entries.get("usr/share/owned/installed"))
                .extracting(ApkEntry::uid, ApkEntry::gid)
                .containsExactly(0, 0);
        assertThat(entries.get("usr/share/owned/tty-owned"))
                .extracting(ApkEntry::uid, ApkEntry::gid)
                .containsExactly(0, 5);
        assertThat(entries.get("usr/share/owned/daemon-owned"))
                .extracting(ApkEntry::uid, ApkEntry::gid)
                .containsExactly(2, 2);
        assertThat(entries.get("usr/share"))
                .extracting(ApkEntry::uid, ApkEntry::gid)
                .containsExactly(0, 0);
    }
}
