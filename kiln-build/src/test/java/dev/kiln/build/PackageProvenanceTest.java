package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.attest.ResourceDescriptor;
import dev.kiln.content.FileTrees;
import dev.kiln.recipe.BuildPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provenance names a recipe's local files (the folder beside it) by a digest of their contents. */
class PackageProvenanceTest {
    @TempDir
    Path dir;

    private Path localFiles(String name) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name).resolve("tools"));
        Files.writeString(d.resolve("lib.sh"), "greet() { echo hi; }\n");
        Files.writeString(d.resolve("check"), "#!/bin/sh\n. ./lib.sh\n");
        Files.setPosixFilePermissions(d.resolve("check"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(d.resolve("check-link"), Path.of("check"));
        return d;
    }

    @Test
    void theLocalFilesDigestDependsOnContentsModesAndLinksOnly() throws IOException {
        Path first = localFiles("a");
        Path second = localFiles("b");
        Files.setLastModifiedTime(second.resolve("lib.sh"), java.nio.file.attribute.FileTime.fromMillis(0));
        String digest = PackageProvenance.localFilesDigest(first);

        assertThat(PackageProvenance.localFilesDigest(second)).isEqualTo(digest);
        Files.setPosixFilePermissions(second.resolve("check"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(PackageProvenance.localFilesDigest(second)).isNotEqualTo(digest);
        Files.writeString(first.resolve("lib.sh"), "greet() { echo hello; }\n");
        assertThat(PackageProvenance.localFilesDigest(first)).isNotEqualTo(digest);
        FileTrees.delete(second);
        second = localFiles("c");
        Files.delete(second.resolve("check-link"));
        Files.createSymbolicLink(second.resolve("check-link"), Path.of("lib.sh"));
        assertThat(PackageProvenance.localFilesDigest(second)).isNotEqualTo(digest);
    }

    @Test
    void theProvenanceListsTheLocalFilesAsAResolvedDependency() throws IOException {
        BuildFixture f = new BuildFixture(dir);
        BuildPlan plan = f.compile(f.writeRecipe("tools", """
                package:
                  name: tools
                  version: "1.0"
                  epoch: 0
                  description: "built from local files"
                  copyright:
                    - license: MIT
                pipeline:
                  - runs: "true"
                """));
        Path files = localFiles("src");
        BuildOptions options = new BuildOptions(
                        BuildFixture.ARCH,
                        f.repository,
                        f.cache,
                        dir.resolve("work"),
                        dir.resolve("logs"),
                        f.key,
                        0,
                        "kiln",
                        false,
                        false,
                        null,
                        null,
                        null)
                .withSourceDir(files);

        assertThat(PackageProvenance.predicate(plan, options, null, null, Instant.EPOCH, Instant.EPOCH)
                        .resolvedDependencies())
                .contains(new ResourceDescriptor(
                        "tools",
                        null,
                        Map.of("sha256", PackageProvenance.localFilesDigest(files)),
                        null,
                        null,
                        Map.of("role", "local-files")));
        assertThat(PackageProvenance.predicate(
                                plan, options.withSourceDir(null), null, null, Instant.EPOCH, Instant.EPOCH)
                        .resolvedDependencies())
                .noneMatch(d -> d.annotations() != null
                        && "local-files".equals(d.annotations().get("role")));
    }
}
