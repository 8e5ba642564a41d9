package dev.kiln.cli;

import java.nio.file.Path;

/** Where Kiln keeps its state when the command line does not say: all under {@code .kiln/} of the working directory. */
final class Defaults {
    static final Path STATE = Path.of(".kiln");
    static final Path SIGNING_KEY = STATE.resolve("keys").resolve("kiln.rsa");
    static final Path REPOSITORY = Path.of("packages");
    static final Path EXAMPLES = Path.of("examples").resolve("recipes");

    private Defaults() {
    }

    /** The host's APK architecture name. */
    static String hostArch() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
    }
}
