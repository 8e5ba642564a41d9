package dev.kiln.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.apk.IndexEntry;
import dev.kiln.apk.InstalledPackage;
import dev.kiln.attest.Attestation;
import dev.kiln.attest.Dsse;
import dev.kiln.attest.InTotoStatement;
import dev.kiln.attest.PredicateTypes;
import dev.kiln.attest.ResourceDescriptor;
import dev.kiln.attest.SlsaProvenance;
import dev.kiln.content.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attestations Kiln attaches to an image it publishes: the SPDX SBOM of the image and a
 * SLSA v1 provenance naming the config, every package with its digest, and every upstream
 * source those packages were built from (taken from each package's own provenance file
 * beside the {@code .apk}), so an image traces back to upstream tarballs and commits.
 */
public final class ImageProvenance {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ImageProvenance() {}

    /** SBOM (SPDX, first architecture) and provenance for a finished build of {@code config}. */
    public static List<Attestation> attestations(ImageBuild build, Path config, String name) {
        ArchImage first = build.archs().get(0);
        byte[] sbom = new ImageSbom(first.tree(), SbomSubject.of(name, first)).spdx();
        return List.of(
                new Attestation(PredicateTypes.SPDX, sbom),
                provenance(build, config).attestation());
    }

    public static SlsaProvenance provenance(ImageBuild build, Path config) {
        SlsaProvenance.Builder p =
                SlsaProvenance.builder(SlsaProvenance.IMAGE_BUILD_TYPE, SlsaProvenance.LOCAL_BUILDER_ID);
        Map<String, Object> configParameter = new LinkedHashMap<>();
        configParameter.put("path", config.toString());
        configParameter.put("digest", Map.of("sha256", Digest.sha256(config).hex()));
        p.externalParameter("config", configParameter);
        p.externalParameter(
                "archs", build.archs().stream().map(ArchImage::apkArch).toList());
        Map<String, ResourceDescriptor> deps = new LinkedHashMap<>();
        for (ArchImage arch : build.archs()) {
            ImageDistribution distribution = ImageDistribution.of(arch.tree());
            for (InstalledPackage pkg : arch.packages()) {
                IndexEntry e = pkg.entry();
                // named as the image's SBOM names it, so the two documents can be joined on the purl
                String purl = distribution.apkPurl(e, arch.apkArch());
                deps.putIfAbsent(
                        purl,
                        ResourceDescriptor.of(
                                e.name() + "-" + e.version(),
                                purl,
                                "sha256",
                                pkg.apk().sha256().hex()));
                for (ResourceDescriptor source : upstreamSources(pkg)) {
                    deps.putIfAbsent(source.uri() + "#" + source.digest(), source);
                }
            }
        }
        p.resolvedDependencies(List.copyOf(deps.values()));
        p.invocationId(build.images().index().descriptor().digest().toString());
        p.startedOn(Instant.ofEpochSecond(build.created())).finishedOn(Instant.ofEpochSecond(build.created()));
        return p.build();
    }

    /**
     * The recipe and the resolved dependencies recorded by the package builder next to the package,
     * if present: a bare in-toto statement, or one signed in a DSSE envelope ({@code kiln build
     * --attest-key}). The envelope's signature is not checked here: the image attestation that
     * carries these facts is itself signed, and whoever wants the package's own proof verifies the
     * file against the package key. The file is looked for beside the {@code .apk} the build read,
     * since the repository as written in the config may be relative to the config or a {@code file:} URI.
     */
    private static List<ResourceDescriptor> upstreamSources(InstalledPackage pkg) {
        Path attest = pkg.apk()
                .file()
                .resolveSibling(pkg.entry().name() + "-" + pkg.entry().version() + ".attest.json");
        if (!Files.isRegularFile(attest)) {
            return List.of();
        }
        try {
            InTotoStatement statement =
                    InTotoStatement.parse(statementBytes(Files.readAllBytes(attest), attest), attest.toString());
            JsonNode definition = JSON.readTree(statement.predicate()).path("buildDefinition");
            List<ResourceDescriptor> out = new java.util.ArrayList<>();
            JsonNode recipe = definition.path("externalParameters").path("recipe");
            Map<String, String> compiled = digest(recipe.path("compiledDigest"));
            Map<String, String> file = digest(recipe.path("digest"));
            String recipePath = recipe.path("path").asText("");
            if (!compiled.isEmpty() || !file.isEmpty()) {
                // digest of the compiled recipe, which the package embeds as .melange.yaml; the file's own when known
                Map<String, String> annotations = new LinkedHashMap<>();
                annotations.put("role", "recipe");
                if (!compiled.isEmpty() && file.containsKey("sha256")) {
                    annotations.put("fileSha256", file.get("sha256"));
                }
                if (recipe.hasNonNull("commit")) {
                    annotations.put("commit", recipe.get("commit").asText());
                }
                String origin = pkg.entry().origin() != null
                        ? pkg.entry().origin()
                        : pkg.entry().name();
                out.add(new ResourceDescriptor(
                        "recipe:" + origin,
                        recipePath.isEmpty() ? null : recipePath,
                        compiled.isEmpty() ? file : compiled,
                        null,
                        "application/yaml",
                        annotations));
            }
            for (JsonNode d : definition.path("resolvedDependencies")) {
                Map<String, String> digest = digest(d.path("digest"));
                String uri = d.path("uri").asText(null);
                if ((uri != null && !uri.isEmpty()) || !digest.isEmpty()) {
                    out.add(new ResourceDescriptor(d.path("name").asText(null), uri, digest, null, null, Map.of()));
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new ImageException("cannot read package provenance " + attest + ": " + e.getMessage(), e);
        }
    }

    /** The statement itself, unwrapped from its DSSE envelope when the builder signed it. */
    static byte[] statementBytes(byte[] file, Path where) throws IOException {
        JsonNode node = JSON.readTree(file);
        if (node != null && node.has("payloadType") && node.has("signatures")) {
            Dsse.Envelope envelope = Dsse.Envelope.parse(file, where.toString());
            if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(envelope.payloadType())) {
                throw new ImageException(where + ": DSSE payloadType must be " + Dsse.IN_TOTO_PAYLOAD_TYPE + ", found "
                        + envelope.payloadType());
            }
            return envelope.payload();
        }
        return file;
    }

    private static Map<String, String> digest(JsonNode node) {
        Map<String, String> digest = new LinkedHashMap<>();
        node.properties().forEach(f -> digest.put(f.getKey(), f.getValue().asText()));
        return digest;
    }
}
