package dev.kiln.cli;

import dev.kiln.attest.SignatureStore;
import dev.kiln.attest.SigningKey;
import dev.kiln.attest.VerificationKey;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.OciLayout;
import dev.kiln.oci.distribution.RegistryClient;
import java.io.Console;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ParameterException;

/**
 * What the signing commands share: an IMAGE argument that is either an OCI layout directory (offline)
 * or a registry reference, and image keys whose passphrase comes from a file, KILN_PASSWORD or
 * COSIGN_PASSWORD, or a prompt.
 */
final class SigningTargets {
    static final List<String> PASSWORD_VARIABLES = List.of("KILN_PASSWORD", "COSIGN_PASSWORD");

    /** Where the image lives and how to name it in that store (a tag or a digest). */
    record Target(SignatureStore store, String reference, String display) {}

    private SigningTargets() {}

    static Target open(
            picocli.CommandLine.Model.CommandSpec spec, String image, @Nullable String ref, boolean offline) {
        Path dir = Path.of(image);
        if (Files.isDirectory(dir)) {
            OciLayout layout = new OciLayout(dir);
            String name = ref != null ? ref : onlyName(spec, layout);
            return new Target(SignatureStore.layout(layout, dir.getFileName().toString()), name, dir + ":" + name);
        }
        if (offline) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--offline needs IMAGE to be an OCI layout directory; '" + image + "' is not a directory");
        }
        ImageReference reference = ImageReference.parse(image);
        RegistryClient client = new RegistryClient(
                HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build(),
                Defaults.registryCredentials(null, null));
        return new Target(SignatureStore.registry(client, reference), reference.identifier(), reference.toString());
    }

    /** The layout's one image name that is not a signature, attestation or referrers tag. */
    private static String onlyName(picocli.CommandLine.Model.CommandSpec spec, OciLayout layout) {
        List<String> names = layout.index().manifests().stream()
                .map(d -> d.annotations().get(OciLayout.REF_NAME))
                .filter(n -> n != null && !n.startsWith("sha256-"))
                .distinct()
                .toList();
        if (names.size() != 1) {
            throw new ParameterException(
                    spec.commandLine(),
                    "layout " + layout.dir() + " holds images " + names + "; choose one with --ref");
        }
        return names.get(0);
    }

    static SigningKey signingKey(picocli.CommandLine.Model.CommandSpec spec, Path key, @Nullable Path passphraseFile)
            throws IOException {
        if (!Files.exists(key)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--key " + key + ": no such file (create one with 'kiln keygen --type image " + key + "')");
        }
        String pem = Files.readString(key, StandardCharsets.US_ASCII);
        boolean encrypted = pem.contains("-----BEGIN ENCRYPTED");
        return SigningKey.fromPem(pem, encrypted ? passphrase(spec, passphraseFile, false) : null, key.toString());
    }

    static VerificationKey publicKey(picocli.CommandLine.Model.CommandSpec spec, Path key) {
        if (!Files.exists(key)) {
            throw new ParameterException(spec.commandLine(), "--key " + key + ": no such file");
        }
        return VerificationKey.read(key);
    }

    static char[] passphrase(picocli.CommandLine.Model.CommandSpec spec, @Nullable Path file, boolean confirm)
            throws IOException {
        if (file != null) {
            return Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
        }
        for (String variable : PASSWORD_VARIABLES) {
            String value = System.getenv(variable);
            if (value != null) {
                return value.toCharArray();
            }
        }
        // On JDK 17, Kiln's release, null means no terminal (JDK 22 returns a console either way)
        @SuppressWarnings("SystemConsoleNull")
        Console console = System.console();
        if (console == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "no passphrase: set KILN_PASSWORD (or COSIGN_PASSWORD), "
                            + "pass --passphrase-file, or run on a terminal");
        }
        char[] first = console.readPassword("Passphrase for the image key: ");
        if (confirm) {
            char[] again = console.readPassword("Repeat the passphrase: ");
            if (!java.util.Arrays.equals(first, again)) {
                throw new ParameterException(spec.commandLine(), "the two passphrases differ");
            }
        }
        return first;
    }
}
