package dev.kiln.build;

import dev.kiln.apk.RepositoryPackage;
import dev.kiln.attest.Dsse;
import dev.kiln.attest.ResourceDescriptor;
import dev.kiln.attest.SlsaProvenance;
import dev.kiln.content.AtomicFiles;
import dev.kiln.content.Digest;
import dev.kiln.content.Hashing;
import dev.kiln.content.Purl;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.FetchStep;
import dev.kiln.recipe.GitCheckoutStep;
import dev.kiln.recipe.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The SLSA provenance of each built package, an in-toto statement written beside its {@code .apk} as
 * {@code NAME-VERSION-rN.attest.json}, so that the APK bytes stay a function of the sources alone.
 * With an attestation key the file holds the statement signed in a DSSE envelope instead.
 */
final class PackageProvenance {
    static final String TOOL_VERSION = "0.1.0";

    private PackageProvenance() {}

    static Path fileFor(Path apk, BuiltPackage b) {
        return apk.resolveSibling(b.name() + "-" + b.fullVersion() + ".attest.json");
    }

    /** Writes one statement per package, each atomically, after the packages are published. */
    static void write(
            BuildPlan plan,
            BuildOptions options,
            @Nullable ResolvedEnvironment environment,
            List<BuiltPackage> published,
            Path logFile,
            Instant startedOn,
            Instant finishedOn) {
        SlsaProvenance predicate = predicate(plan, options, environment, logFile, startedOn, finishedOn);
        for (BuiltPackage b : published) {
            ResourceDescriptor subject = new ResourceDescriptor(
                    b.file().getFileName().toString(),
                    apkPurl(options, b.name(), b.fullVersion()),
                    Map.of("sha256", b.sha256()),
                    null,
                    null,
                    Map.of());
            byte[] json = predicate.statement(List.of(subject)).toJson();
            if (options.attestKey() != null) {
                json = Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, json, options.attestKey())
                        .toJson();
            }
            AtomicFiles.write(fileFor(b.file(), b), json);
        }
    }

    /** @param environment the installed build environment, or null for the host-toolchain stage */
    static SlsaProvenance predicate(
            BuildPlan plan,
            BuildOptions options,
            @Nullable ResolvedEnvironment environment,
            Path logFile,
            Instant startedOn,
            Instant finishedOn) {
        Map<String, Object> recipe = new LinkedHashMap<>();
        recipe.put("path", plan.recipeFile());
        Path recipeFile = plan.recipeFile() == null ? null : Path.of(plan.recipeFile());
        if (recipeFile != null && Files.isRegularFile(recipeFile)) {
            recipe.put("digest", Map.of("sha256", Digest.sha256(recipeFile).hex()));
        }
        // the recipe as compiled is embedded in every package (.melange.yaml), so this digest is checkable
        // from the APK alone, even where the recipe file is known only by its name
        recipe.put(
                "compiledDigest",
                Map.of(
                        "sha256",
                        Digest.sha256(plan.toYaml().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                .hex()));
        if (plan.commit() != null && !plan.commit().isEmpty()) {
            recipe.put("commit", plan.commit());
        }
        SlsaProvenance.Builder p = SlsaProvenance.builder(
                        SlsaProvenance.PACKAGE_BUILD_TYPE, SlsaProvenance.LOCAL_BUILDER_ID)
                .externalParameter("recipe", recipe)
                .externalParameter("package", plan.name() + "-" + plan.fullVersion())
                .externalParameter("architecture", options.arch())
                .externalParameter("sourceDateEpoch", options.sourceDateEpoch())
                .internalParameter("namespace", options.namespace())
                .internalParameter("offline", options.offline())
                // which build-environment stage (DESIGN.md): the host's /usr, or packages installed hermetically
                .internalParameter("buildEnvironment", environment == null ? "host-toolchain" : "hermetic")
                .builderVersion("kiln", TOOL_VERSION)
                .invocationId(
                        plan.name() + "-" + plan.fullVersion() + "-" + options.arch() + "@" + options.sourceDateEpoch())
                .startedOn(startedOn)
                .finishedOn(finishedOn);
        options.annotations().forEach(p::internalParameter);
        for (Source source : plan.sources()) {
            if (source instanceof FetchStep f) {
                Map<String, String> digest = new LinkedHashMap<>();
                if (f.expectedSha256() != null && !f.expectedSha256().isEmpty()) {
                    digest.put("sha256", f.expectedSha256());
                }
                if (f.expectedSha512() != null && !f.expectedSha512().isEmpty()) {
                    digest.put("sha512", f.expectedSha512());
                }
                p.resolvedDependency(new ResourceDescriptor(f.purlName(), f.uri(), digest, null, null, Map.of()));
            } else if (source instanceof GitCheckoutStep g) {
                String ref = g.tag() != null && !g.tag().isEmpty()
                        ? "@refs/tags/" + g.tag()
                        : g.branch() != null && !g.branch().isEmpty() ? "@refs/heads/" + g.branch() : "";
                Map<String, String> digest =
                        g.expectedCommit() == null || g.expectedCommit().isEmpty()
                                ? Map.of()
                                : Map.of("gitCommit", g.expectedCommit());
                p.resolvedDependency(
                        new ResourceDescriptor(null, "git+" + g.repository() + ref, digest, null, null, Map.of()));
            }
        }
        if (options.sourceDir() != null && Files.isDirectory(options.sourceDir())) {
            // the recipe's local files (melange's folder beside the recipe) are sources too: a package built
            // from them, as Kiln's test tools are, traces to their exact contents
            p.resolvedDependency(new ResourceDescriptor(
                    options.sourceDir().getFileName().toString(),
                    null,
                    Map.of("sha256", localFilesDigest(options.sourceDir())),
                    null,
                    null,
                    Map.of("role", "local-files")));
        }
        if (environment != null) {
            // every package that built it, with apk's checksum (SHA-1 of its control segment, which covers
            // the data's SHA-256), as apk-tools records it in the index and the installed database
            for (RepositoryPackage pkg : environment.packages()) {
                p.resolvedDependency(new ResourceDescriptor(
                        pkg.name(),
                        apkPurl(options, pkg.name(), pkg.version()),
                        apkDigest(pkg),
                        null,
                        null,
                        Map.of("role", "build-environment")));
            }
        } else {
            for (String pkg : plan.environmentPackages()) {
                // host-toolchain builds know environment packages by name only (DESIGN.md, build stage 1)
                p.resolvedDependency(new ResourceDescriptor(
                        pkg, apkPurl(options, pkg, null), Map.of(), null, null, Map.of("role", "build-environment")));
            }
        }
        if (logFile != null && Files.isRegularFile(logFile)) {
            p.byproduct(new ResourceDescriptor(
                    logFile.getFileName().toString(),
                    null,
                    Map.of("sha256", Digest.sha256(logFile).hex()),
                    null,
                    "text/plain",
                    Map.of()));
        }
        return p.build();
    }

    /**
     * The SHA-256 of a listing of the tree, one line per file or link in path order: {@code PATH MODE SHA256}
     * for a file (MODE 755 when any execute bit is set, else 644, as the copy into the workspace keeps them),
     * {@code PATH -> TARGET} for a link. It depends on the contents only, not on where the tree lies or on
     * times and owners.
     */
    static String localFilesDigest(Path dir) {
        StringBuilder listing = new StringBuilder();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.sorted().toList()) {
                String rel = dir.relativize(f).toString();
                if (Files.isSymbolicLink(f)) {
                    listing.append(rel)
                            .append(" -> ")
                            .append(Files.readSymbolicLink(f))
                            .append('\n');
                } else if (Files.isRegularFile(f)) {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
                    boolean executable = perms.contains(PosixFilePermission.OWNER_EXECUTE)
                            || perms.contains(PosixFilePermission.GROUP_EXECUTE)
                            || perms.contains(PosixFilePermission.OTHERS_EXECUTE);
                    String mode = executable ? "755" : "644";
                    listing.append(rel)
                            .append(' ')
                            .append(mode)
                            .append(' ')
                            .append(Digest.sha256(f).hex())
                            .append('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Digest.sha256(listing.toString().getBytes(StandardCharsets.UTF_8))
                .hex();
    }

    /** An index checksum {@code Q1<base64 SHA-1>} as an in-toto digest; other forms are kept as written. */
    private static Map<String, String> apkDigest(RepositoryPackage pkg) {
        String checksum = pkg.entry().checksum();
        if (checksum != null && checksum.startsWith("Q1")) {
            return Map.of("sha1", Hashing.hex(java.util.Base64.getDecoder().decode(checksum.substring(2))));
        }
        return checksum == null ? Map.of() : Map.of("apkChecksum", checksum);
    }

    /** {@code pkg:apk/NAMESPACE/NAME[@VERSION]?arch=ARCH}; the version is null for a package known by name only. */
    private static String apkPurl(BuildOptions options, String name, @Nullable String version) {
        return Purl.of("apk", options.namespace(), name, version)
                .withQualifier("arch", options.arch())
                .toString();
    }
}
