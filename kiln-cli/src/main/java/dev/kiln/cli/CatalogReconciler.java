package dev.kiln.cli;

import dev.kiln.apk.ApkPackage;
import dev.kiln.apk.ApkReader;
import dev.kiln.apk.SigningKey;
import dev.kiln.build.BuildListener;
import dev.kiln.build.BuildOptions;
import dev.kiln.build.BuildResult;
import dev.kiln.build.PackageBuilder;
import dev.kiln.image.ImageBuilder;
import dev.kiln.image.ImagePublisher;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.distribution.Credentials;
import dev.kiln.oci.distribution.RegistryClient;
import dev.kiln.oci.distribution.RegistrySink;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.PackagePlan;
import dev.kiln.recipe.Recipes;
import dev.kiln.sandbox.BubblewrapSandbox;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Brings the example catalog to its declared state: every recipe built into the repository
 * (skipped when the published packages already embed the same compiled recipe), then every
 * image built and pushed (the registry already holding the same index digest means nothing
 * is sent). Running it twice with nothing changed builds nothing and pushes nothing.
 */
final class CatalogReconciler {
    private final Path catalog;
    private final Path repository;
    private final Path stateDir;
    private final SigningKey key;
    private final String arch;
    private final long sourceDateEpoch;
    private final BuildListener listener;

    CatalogReconciler(Path catalog, Path repository, Path stateDir, SigningKey key, String arch, long sourceDateEpoch,
                      BuildListener listener) {
        this.catalog = catalog;
        this.repository = repository;
        this.stateDir = stateDir;
        this.key = key;
        this.arch = arch;
        this.sourceDateEpoch = sourceDateEpoch;
        this.listener = listener;
    }

    record PackageOutcome(String recipe, String name, String version, boolean built) {
    }

    record ImageOutcome(String name, ImageReference reference, boolean pushed, boolean signed) {
    }

    /** Builds what is out of date; with an {@code attestKey}, package provenance is written signed. */
    List<PackageOutcome> reconcilePackages(dev.kiln.attest.SigningKey attestKey) throws IOException {
        PackageBuilder builder = new PackageBuilder(BubblewrapSandbox.fromEnvironment(System.getenv()),
                HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build());
        List<PackageOutcome> outcomes = new ArrayList<>();
        for (Path recipe : yamlFiles(catalog.resolve("recipes"))) {
            BuildPlan plan = Recipes.compile(recipe, List.of(), CompileOptions.forArch(arch));
            if (plan.skippedForArch()) {
                continue;
            }
            if (upToDate(plan)) {
                outcomes.add(new PackageOutcome(recipe.toString(), plan.name(), plan.fullVersion(), false));
                continue;
            }
            BuildOptions options = new BuildOptions(arch, repository, stateDir.resolve("cache"), stateDir.resolve("work"),
                    stateDir.resolve("logs"), key, sourceDateEpoch, "kiln", false, false,
                    BuildOptions.sourceDirBeside(recipe, plan.name()), listener);
            if (attestKey != null) {
                options = options.withAttestKey(attestKey);
            }
            BuildResult result = builder.build(plan, options);
            outcomes.add(new PackageOutcome(recipe.toString(), plan.name(), plan.fullVersion(), !result.skipped()));
        }
        return outcomes;
    }

    /** True when every package of the plan is published and embeds exactly this compiled recipe. */
    private boolean upToDate(BuildPlan plan) {
        byte[] compiled = plan.toYaml().getBytes(StandardCharsets.UTF_8);
        List<PackagePlan> packages = new ArrayList<>();
        packages.add(plan.mainPackage());
        packages.addAll(plan.subpackages());
        for (PackagePlan pkg : packages) {
            Path apk = repository.resolve(arch).resolve(pkg.name() + "-" + plan.fullVersion() + ".apk");
            if (!Files.isRegularFile(apk)) {
                return false;
            }
            ApkPackage read = ApkReader.read(apk);
            byte[] embedded = read.controlFiles().get(".melange.yaml");
            if (embedded == null || !Arrays.equals(embedded, compiled)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Builds and pushes every image; with an {@code imageKey}, signs each pushed image and
     * attests its SBOM and SLSA provenance (both storage layouts), and signs again only what
     * changed or was never signed.
     */
    List<ImageOutcome> reconcileImages(String registryAddress, Credentials credentials,
                                       dev.kiln.attest.SigningKey imageKey) throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        RegistryClient client = new RegistryClient(http, credentials);
        ImagePublisher publisher = new ImagePublisher(new ImageBuilder(Clock.systemUTC()), new RegistrySink(client));
        List<ImageOutcome> outcomes = new ArrayList<>();
        for (Path config : yamlFiles(catalog.resolve("images"))) {
            String name = PublishedImageSigning.imageName(config);
            listener.onEvent(BuildListener.BuildEvent.phase(name, "image " + name));
            ImageReference ref = ImageReference.parse(registryAddress + "/kiln/" + name + ":latest");
            dev.kiln.image.BuildOptions options = new dev.kiln.image.BuildOptions(List.of(), List.of(), List.of(),
                    sourceDateEpoch == 0 ? null : sourceDateEpoch, config.toAbsolutePath().getParent());
            ImagePublisher.PublishResult result = publisher.publish(config, options, List.of(ref));
            ImageReference digestRef = result.digestReferences().get(0);
            boolean signed = false;
            if (imageKey != null && (result.changed() || client.referrers(digestRef, result.indexDigest(), null).isEmpty())) {
                listener.onEvent(BuildListener.BuildEvent.phase(name, "signing " + digestRef));
                PublishedImageSigning.signAndAttest(client, result, config, imageKey);
                signed = true;
            }
            outcomes.add(new ImageOutcome(name, digestRef, result.changed(), signed));
        }
        return outcomes;
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        return Files.isDirectory(dir) ? CatalogFiles.yamlFiles(dir) : List.of();
    }

    static Map<String, Object> describe(PackageOutcome p) {
        return Output.fields("event", "package", "name", p.name(), "version", p.version(), "built", p.built());
    }
}
