package dev.kiln.server.state;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kiln.testkit.Tools;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server from Debian's {@code postgresql} package: initdb into a temporary
 * directory, pg_ctl start on a free 127.0.0.1 port, trust authentication for user {@code kiln}.
 * PostgreSQL refuses to run as root, so as root the server runs as {@code nobody}.
 */
public final class PostgresServer implements AutoCloseable {
    private final Path bin;
    private final Path root;
    private final Path data;
    private final int port;
    private final boolean asNobody;

    private PostgresServer(Path bin, Path root, int port, boolean asNobody) {
        this.bin = bin;
        this.root = root;
        this.data = root.resolve("data");
        this.port = port;
        this.asNobody = asNobody;
    }

    /** The newest installed server's bin directory, or null when the package is not installed. */
    public static Path binaries() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(base)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(
                            p -> p.getParent().getFileName().toString(),
                            Comparator.comparingInt(v -> v.matches("\\d+") ? Integer.parseInt(v) : 0)))
                    .orElse(null);
        }
    }

    /**
     * A server from the installed {@code postgresql} package: what every PostgreSQL test starts. Without the package
     * the test fails with the install command under CI and skips elsewhere (kiln-testkit's Tools).
     */
    public static PostgresServer startInstalled() throws IOException, InterruptedException {
        Path bin = binaries();
        Tools.require(
                bin != null,
                "PostgreSQL server binaries are not under /usr/lib/postgresql/*/bin",
                "apt-get install postgresql");
        return start(bin);
    }

    public static PostgresServer start(Path bin) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("kiln-postgres");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PostgresServer server = new PostgresServer(bin, dir, port, root);
        Files.createDirectories(server.data);
        Files.setPosixFilePermissions(server.data, PosixFilePermissions.fromString("rwx------"));
        if (root) {
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(server.data, users.lookupPrincipalByName("nobody"));
        }
        server.run(
                bin.resolve("initdb").toString(),
                "-D",
                server.data.toString(),
                "-U",
                "kiln",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync");
        server.run(
                bin.resolve("pg_ctl").toString(),
                "-D",
                server.data.toString(),
                "-w",
                "-t",
                "60",
                "-l",
                server.data.resolve("server.log").toString(),
                "-o",
                "-h 127.0.0.1 -p " + port + " -k " + server.data + " -c fsync=off",
                "start");
        return server;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=kiln";
    }

    /** The same server in the form {@code --database} takes. */
    public String libpqUrl() {
        return "postgresql://kiln@127.0.0.1:" + port + "/postgres";
    }

    /** A fresh, empty database on this server; returns its JDBC URL. */
    public String createDatabase(String name) throws IOException, InterruptedException {
        run(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "kiln", name);
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=kiln";
    }

    private void run(String... command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        if (asNobody) {
            argv.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        argv.addAll(List.of(command));
        Process p = new ProcessBuilder(argv)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + output);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop");
        } catch (InterruptedException e) {
            // an interrupt ends the wait for pg_ctl; the files still go, and the flag stays set
            Thread.currentThread().interrupt();
        } finally {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
