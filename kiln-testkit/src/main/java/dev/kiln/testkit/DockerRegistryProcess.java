package dev.kiln.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Debian {@code docker-registry} (CNCF distribution 2.8) on 127.0.0.1 with its storage in
 * a folder of the test: the reference registry that interoperability tests push to and pull
 * from. Deletes are enabled, as a registry operator would for garbage collection.
 */
public final class DockerRegistryProcess implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private final Process process;
    private final String host;

    private DockerRegistryProcess(Process process, String host) {
        this.process = process;
        this.host = host;
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Starts the registry with its data and log under {@code dir}; returns once {@code /v2/} answers. */
    public static DockerRegistryProcess start(Path dir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir);
        Path config = dir.resolve("config.yml");
        Files.writeString(
                config,
                "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data")
                        + "\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
        Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile())
                .start();
        DockerRegistryProcess registry = new DockerRegistryProcess(process, "127.0.0.1:" + port);
        registry.awaitReady();
        return registry;
    }

    /** {@code 127.0.0.1:PORT}, as image references write it. */
    public String host() {
        return host;
    }

    private void awaitReady() throws InterruptedException, IOException {
        HttpClient http = HttpClient.newHttpClient();
        String answer = "no connection";
        for (int i = 0; i < 100; i++) {
            try {
                int status = http.send(
                                HttpRequest.newBuilder(URI.create("http://" + host + "/v2/"))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (status == 200) {
                    return;
                }
                answer = "HTTP " + status;
            } catch (IOException e) {
                answer = e.toString();
            }
            // wait after any answer but 200 too, or a registry that is up but not ready yet exhausts the attempts at
            // once
            Thread.sleep(100);
        }
        close();
        throw new IOException("docker-registry did not answer 200 on http://" + host + "/v2/ within 10 s; last answer: "
                + answer + " (log: registry.log beside its config)");
    }

    /** Stops the registry and waits for it; an interrupt ends the wait and stays set on the thread. */
    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
