package dev.kiln.cli;

import dev.kiln.oci.distribution.Credentials;
import dev.kiln.server.Settings;
import dev.kiln.server.SettingsException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Where Kiln keeps its state when the command line does not say: all under {@code .kiln/} of the working directory. */
final class Defaults {
    static final Path STATE = Path.of(".kiln");
    static final Path SIGNING_KEY = signingKey(STATE);
    static final Path REPOSITORY = Path.of("packages");
    static final Path EXAMPLES = Path.of("examples").resolve("recipes");

    private Defaults() {}

    /** The package signing key kept under a state directory, created on first use. */
    static Path signingKey(Path stateDir) {
        return stateDir.resolve("keys").resolve("kiln.rsa");
    }

    /**
     * {@code $SOURCE_DATE_EPOCH} in seconds, or null when it is unset or blank; the one reading of the
     * variable, so every command rejects a bad value with the same message.
     */
    /** {@code given} (a command's {@code --source-date-epoch}) when set, else {@code $SOURCE_DATE_EPOCH}. */
    static @Nullable Long sourceDateEpoch(@Nullable Long given) {
        return given != null ? given : sourceDateEpoch();
    }

    static @Nullable Long sourceDateEpoch() {
        try {
            return Settings.sourceDateEpoch(System.getenv());
        } catch (SettingsException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new Kiln()), e.getMessage());
        }
    }

    /**
     * Registry credentials: {@code username} and {@code password} when given, else {@code $KILN_REGISTRY_USERNAME}
     * and {@code $KILN_REGISTRY_PASSWORD}; null (anonymous) without a user name.
     */
    static @Nullable Credentials registryCredentials(@Nullable String username, @Nullable String password) {
        String user = username != null ? username : System.getenv("KILN_REGISTRY_USERNAME");
        String pass = password != null ? password : System.getenv("KILN_REGISTRY_PASSWORD");
        return user == null || user.isEmpty() ? null : new Credentials(user, pass == null ? "" : pass);
    }

    /** The host's APK architecture name. */
    static String hostArch() {
        return Settings.hostArch();
    }
}
