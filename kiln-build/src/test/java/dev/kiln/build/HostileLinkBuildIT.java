package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.Digest;
import dev.kiln.content.FileTrees;
import dev.kiln.testkit.FixtureGitRepo;
import dev.kiln.testkit.FixtureHttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real sandboxed builds that plant symbolic links in the workspace and then get Kiln (outside
 * the sandbox) to write where the links point: every such write must be refused, naming the
 * path, with the host untouched.
 */
class HostileLinkBuildIT {
    static FixtureHttpServer upstream;
    static String fileUrl;
    static String fileSha256;

    @BeforeAll
    static void serveUpstream() throws Exception {
        upstream = new FixtureHttpServer();
        byte[] payload = "written by kiln\n".getBytes(StandardCharsets.UTF_8);
        fileUrl = upstream.put("/payload.txt", payload);
        fileSha256 = Digest.sha256(payload).hex();
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    static String recipe(String name, String pipeline, String subpackages) {
        return """
                package:
                  name: %s
                  version: "1.0.0"
                  epoch: 0
                  description: "plants links"
                  copyright:
                    - license: MIT
                pipeline:
                %s%s""".formatted(name, pipeline, subpackages);
    }

    @Test
    void fetchIntoADirectoryThroughALinkToTheHostRootIsRefused(@TempDir Path dir) throws Exception {
        String escape = "kiln-escape-" + UUID.randomUUID();
        Path hostTarget = Path.of("/tmp", escape);
        BuildFixture f = new BuildFixture(dir);
        Path recipe = f.writeRecipe("evil", recipe("evil", """
                  - runs: ln -s / /home/build/hostroot
                  - uses: fetch
                    with:
                      uri: %s
                      expected-sha256: %s
                      directory: hostroot/tmp/%s
                      extract: false
                """.formatted(fileUrl, fileSha256, escape), ""));
        try {
            assertThatThrownBy(() -> f.build(recipe))
                    .isInstanceOf(BuildException.class)
                    .hasMessageContaining("'hostroot/tmp/" + escape)
                    .hasMessageContaining("'hostroot' is a symbolic link to '/'");
            assertThat(Files.exists(hostTarget, LinkOption.NOFOLLOW_LINKS)).isFalse();
            assertThat(f.repository).doesNotExist();
        } finally {
            FileTrees.delete(hostTarget);
        }
    }

    @Test
    void gitCheckoutThroughALinkIsRefused(@TempDir Path dir) throws Exception {
        Path victim = Files.createDirectories(dir.resolve("victim"));
        try (FixtureGitRepo git = new FixtureGitRepo(dir.resolve("upstream"))) {
            String commit = git.commit("one", Map.of("tool.sh*", "#!/bin/sh\necho one\n"));
            git.lightweightTag("v1.0.0");
            BuildFixture f = new BuildFixture(dir.resolve("build"));
            Path recipe = f.writeRecipe("evil", recipe("evil", """
                      - runs: ln -s %s /home/build/elsewhere
                      - uses: git-checkout
                        with:
                          repository: %s
                          tag: v1.0.0
                          expected-commit: %s
                          destination: elsewhere/src
                    """.formatted(victim, git.url(), commit), ""));

            assertThatThrownBy(() -> f.build(recipe))
                    .isInstanceOf(BuildException.class)
                    .hasMessageContaining("'elsewhere/src'")
                    .hasMessageContaining("is a symbolic link");
            try (var entries = Files.list(victim)) {
                assertThat(entries).isEmpty();
            }
        }
    }

    @Test
    void anSbomPathThatIsALinkToAHostFileIsRefused(@TempDir Path dir) throws Exception {
        Path hostFile = Files.writeString(dir.resolve("host-file"), "host content\n");
        BuildFixture f = new BuildFixture(dir.resolve("build"));
        Path recipe = f.writeRecipe("evil", recipe("evil", """
                  - runs: |
                      mkdir -p ${{targets.destdir}}/usr/share/evil ${{targets.destdir}}/var/lib/db/sbom
                      echo data > ${{targets.destdir}}/usr/share/evil/data
                      ln -s %s ${{targets.destdir}}/var/lib/db/sbom/evil-1.0.0-r0.spdx.json
                """.formatted(hostFile), ""));

        assertThatThrownBy(() -> f.build(recipe))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("var/lib/db/sbom/evil-1.0.0-r0.spdx.json")
                .hasMessageContaining("is a symbolic link to '" + hostFile + "'");
        assertThat(hostFile).hasContent("host content");
        assertThat(f.repository).doesNotExist();
    }

    @Test
    void aSubpackageOutputDirectoryThatIsALinkIsRefused(@TempDir Path dir) throws Exception {
        Path victim = Files.createDirectories(dir.resolve("victim"));
        BuildFixture f = new BuildFixture(dir.resolve("build"));
        Path recipe = f.writeRecipe("evil", recipe("evil", """
                  - runs: |
                      mkdir -p ${{targets.destdir}}/usr/share/evil
                      echo data > ${{targets.destdir}}/usr/share/evil/data
                      rm -rf /home/build/melange-out/evil-extra
                      ln -s %s /home/build/melange-out/evil-extra
                """.formatted(victim), """
                subpackages:
                  - name: evil-extra
                    description: "extra"
                    pipeline:
                      - runs: "true"
                """));

        assertThatThrownBy(() -> f.build(recipe))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("'melange-out/evil-extra'")
                .hasMessageContaining("is a symbolic link to '" + victim + "'");
        try (var entries = Files.list(victim)) {
            assertThat(entries).isEmpty();
        }
        assertThat(f.repository).doesNotExist();
    }
}
