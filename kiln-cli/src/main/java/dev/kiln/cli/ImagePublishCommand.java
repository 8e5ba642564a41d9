package dev.kiln.cli;

import dev.kiln.attest.ImageSigner;
import dev.kiln.attest.SigningKey;
import dev.kiln.image.ArchImage;
import dev.kiln.image.ImageBuildOptions;
import dev.kiln.image.ImageBuilder;
import dev.kiln.image.ImagePublisher;
import dev.kiln.image.ImageSpecLoader;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.distribution.Credentials;
import dev.kiln.oci.distribution.RegistryClient;
import dev.kiln.oci.distribution.RegistrySink;
import dev.kiln.server.ImageAttestations;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "publish",
        description =
                "Build CONFIG and push the image index (and every architecture's manifest)"
                        + " to a registry under every REF; prints the digest references. Pushes nothing when every REF already"
                        + " names the same index. With --sign-key, signs each pushed image and attests its SBOM and provenance.")
final class ImagePublishCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "apko-compatible image config (YAML)")
    Path config;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "REF", description = "HOST[:PORT]/REPOSITORY[:TAG]")
    List<String> refs = new ArrayList<>();

    @Option(names = "--arch", split = ",", description = "architectures (APK or OCI names); default: the config's")
    List<String> archs = new ArrayList<>();

    @Option(names = "--repository", description = "local APK repository to resolve from; repeatable")
    List<String> repositories = new ArrayList<>();

    @Option(names = "--keyring", description = "trusted public key file or directory; repeatable")
    List<Path> keyring = new ArrayList<>();

    @Option(names = "--lockfile", description = "install exactly the packages of this lock (from `kiln image lock`)")
    @Nullable
    Path lockfile;

    @Option(
            names = "--source-date-epoch",
            description = "timestamp of the image (default: $SOURCE_DATE_EPOCH, else the newest package build date)")
    @Nullable
    Long sourceDateEpoch;

    @Option(names = "--username", description = "registry user (default: $KILN_REGISTRY_USERNAME)")
    @Nullable
    String username;

    @Option(names = "--password", description = "registry password or token (default: $KILN_REGISTRY_PASSWORD)")
    @Nullable
    String password;

    @Option(
            names = "--sign-key",
            description = "ECDSA image key (kiln keygen --type image, or a cosign key): sign each pushed"
                    + " image and attest its SPDX SBOM and SLSA provenance")
    @Nullable
    Path signKey;

    @Option(
            names = "--passphrase-file",
            description = "file holding the --sign-key passphrase (default: KILN_PASSWORD,"
                    + " COSIGN_PASSWORD, or a prompt)")
    @Nullable
    Path passphraseFile;

    @Option(
            names = "--version-tags",
            description = "push into the REF's repository under the tags of the version of the package the"
                    + " dev.kiln.package.main annotation names: latest, each precision (3, 3.13, 3.13.5) and the"
                    + " immutable 3.13.5-r2, which is never overwritten; the REF's own tag is not used")
    boolean versionTags;

    @Option(names = "--dev", description = "with --version-tags: the -dev variant's tags (latest-dev, 3.13-dev, …)")
    boolean devVariant;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Output o = Output.of(spec, json);
        List<ImageReference> references =
                refs.stream().map(ImageReference::parse).toList();
        Credentials credentials = Defaults.registryCredentials(username, password);
        // read the key before building so a wrong passphrase costs nothing
        SigningKey key = signKey == null ? null : SigningTargets.signingKey(spec, signKey, passphraseFile);
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        ImageBuildOptions options =
                ImageBuildCommand.options(config, archs, repositories, keyring, sourceDateEpoch, lockfile);
        RegistryClient client = new RegistryClient(http, credentials);
        ImagePublisher publisher = new ImagePublisher(new ImageBuilder(Clock.systemUTC()), new RegistrySink(client));
        if (versionTags && references.size() != 1) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--version-tags takes one REF (the repository), got " + references.size());
        }
        ImagePublisher.PublishResult result = versionTags
                ? publisher.publishTagged(ImageSpecLoader.load(config), options, references.get(0), devVariant)
                : publisher.publish(config, options, references);
        if (result.tags() != null) {
            o.progress(
                    "tags: " + String.join(", ", result.tags().all()),
                    Output.fields("event", "tags", "tags", result.tags().all()));
        }
        if (result.heldBack() != null) {
            String w = result.heldBack() + " already names other content and is immutable; left as it is";
            o.progress("warning: " + w, Output.fields("event", "warning", "message", w));
        }
        result.build()
                .warnings()
                .forEach(w -> o.progress("warning: " + w, Output.fields("event", "warning", "message", w)));
        for (ArchImage a : result.build().archs()) {
            o.emit(Output.fields(
                    "event",
                    "image",
                    "platform",
                    a.platform().toString(),
                    "digest",
                    a.image().manifest().descriptor().digest().toString(),
                    "packages",
                    a.packages().size()));
        }
        var push = result.push();
        o.progress(
                result.changed()
                        ? "pushed " + push.updated().size() + " reference(s): " + push.blobsUploaded()
                                + " blob(s) uploaded, " + push.blobsMounted() + " mounted, " + push.blobsPresent()
                                + " already there"
                        : "unchanged: every reference already names " + result.indexDigest(),
                Output.fields(
                        "event",
                        "pushed",
                        "changed",
                        result.changed(),
                        "uploaded",
                        push.blobsUploaded(),
                        "mounted",
                        push.blobsMounted(),
                        "present",
                        push.blobsPresent(),
                        "manifests",
                        push.manifestsPushed()));
        if (key != null) {
            for (ImageSigner.Result signed :
                    ImageAttestations.signAndAttest(client, result, config, key, SignCommand.clock())) {
                for (ImageSigner.Stored st : signed.stored()) {
                    o.progress(
                            st.kind() + (st.predicateType() == null ? "" : " " + st.predicateType()) + " of "
                                    + signed.subject() + " stored as " + st.location(),
                            Output.fields(
                                    "event",
                                    st.kind(),
                                    "subject",
                                    signed.subject().toString(),
                                    "predicateType",
                                    st.predicateType(),
                                    "location",
                                    st.location(),
                                    "manifest",
                                    st.manifest().toString()));
                }
            }
        }
        for (ImageReference ref : result.digestReferences()) {
            o.say(ref.toString());
            o.emit(Output.fields(
                    "event",
                    "published",
                    "reference",
                    ref.toString(),
                    "digest",
                    result.indexDigest().toString(),
                    "changed",
                    result.changed()));
        }
        return 0;
    }
}
