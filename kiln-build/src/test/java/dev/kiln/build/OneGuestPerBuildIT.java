package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** melange keeps one guest for a whole build: what a step leaves in /tmp, the next step finds. */
class OneGuestPerBuildIT {

    @Test
    void tmpPersistsAcrossTheStepsOfOneBuild(@TempDir Path dir) {
        BuildFixture f = new BuildFixture(dir);
        Path recipe = f.writeRecipe("relay", "hands a file from one step to the next through /tmp", """
                pipeline:
                  - name: write
                    runs: |
                      echo baton > /tmp/x
                  - name: read
                    runs: |
                      mkdir -p ${{targets.destdir}}/usr/share/relay
                      cp /tmp/x ${{targets.destdir}}/usr/share/relay/x
                """);

        BuildResult result = f.build(recipe);

        byte[] x = ApkReader.read(result.packages().get(0).file())
                .readFile("usr/share/relay/x")
                .orElseThrow();
        assertThat(new String(x, StandardCharsets.UTF_8)).isEqualTo("baton\n");
    }
}
