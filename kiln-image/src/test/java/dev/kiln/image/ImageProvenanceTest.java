package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.attest.InTotoStatement;
import dev.kiln.attest.PredicateTypes;
import dev.kiln.attest.ResourceDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageProvenanceTest {
    @TempDir
    Path tmp;

    /**
     * The config names its repository relative to itself ({@code ./repo}), and the build runs from
     * another directory: the package's provenance beside its {@code .apk} is still found.
     */
    @Test
    void upstreamSourcesOfAConfigRelativeRepositoryAreFound() throws Exception {
        Fixtures.repository(tmp);
        Fixtures.publicKey(tmp);
        String tarball = "https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz";
        byte[] predicate = ("{\"buildDefinition\":{\"resolvedDependencies\":[{\"uri\":\"" + tarball
                        + "\",\"digest\":{\"sha256\":\"" + "ab".repeat(32) + "\"}}]}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] statement = new InTotoStatement(
                        List.of(ResourceDescriptor.of("hello-2.12-r0.apk", null, "sha256", "cd".repeat(32))),
                        PredicateTypes.SLSA_PROVENANCE_V1,
                        predicate)
                .toJson();
        Files.write(tmp.resolve("repo/x86_64/hello-2.12-r0.attest.json"), statement);
        assertThat(Path.of("").toAbsolutePath())
                .as("the build runs outside the config's directory")
                .isNotEqualTo(tmp);

        ImageBuild build = Fixtures.build(tmp, ImageBuilderTest.HELLO);
        List<String> uris = ImageProvenance.provenance(build, tmp.resolve("image.yaml")).resolvedDependencies().stream()
                .map(ResourceDescriptor::uri)
                .toList();
        assertThat(uris).contains(tarball);
    }
}
