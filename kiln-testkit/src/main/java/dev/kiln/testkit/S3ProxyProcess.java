package dev.kiln.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * S3Proxy on 127.0.0.1 with its filesystem backend in a folder of the test, and AWS signature
 * checks on: the S3 server the object storage tests run against (kiln-objects, kiln-registry,
 * kiln-server). Its jar is copied to {@code target/s3proxy} by the build (the parent pom's
 * {@code s3proxy} execution, which a module using this class binds), so no test depends on the network.
 */
public final class S3ProxyProcess implements AutoCloseable {
    static final Path JAR = Path.of("target/s3proxy/s3proxy.jar");
    static final String IDENTITY = "kiln-test";
    static final String CREDENTIAL = "kiln-test-secret";

    private final Process process;
    private final String endpoint;
    private final int port;
    private final Path data;
    private @Nullable ConditionalWriteFront front;

    private S3ProxyProcess(Process process, String endpoint, int port, Path data) {
        this.process = process;
        this.endpoint = endpoint;
        this.port = port;
        this.data = data;
    }

    /** Starts S3Proxy with its data and log under {@code dir}; returns once it answers HTTP. */
    public static S3ProxyProcess start(Path dir) throws IOException, InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            throw new IOException(JAR.toAbsolutePath() + " is missing: run the tests through Maven, whose"
                    + " generate-test-resources phase copies S3Proxy there");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        String endpoint = "http://127.0.0.1:" + port;
        Path config = dir.resolve("s3proxy.conf");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "s3proxy.endpoint=" + endpoint,
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + IDENTITY,
                        "s3proxy.credential=" + CREDENTIAL,
                        "jclouds.provider=filesystem",
                        "jclouds.filesystem.basedir=" + data,
                        ""));
        Process process = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-jar",
                        JAR.toAbsolutePath().toString(),
                        "--properties",
                        config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("s3proxy.log").toFile())
                .start();
        S3ProxyProcess proxy = new S3ProxyProcess(process, endpoint, port, data);
        proxy.awaitReady(dir.resolve("s3proxy.log"));
        return proxy;
    }

    private void awaitReady(Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String answer = "no connection";
        for (int i = 0; i < 300; i++) {
            if (!process.isAlive()) {
                break;
            }
            try {
                http.send(
                        HttpRequest.newBuilder(URI.create(endpoint + "/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                return; // any answer, even 403 without credentials, means it is serving
            } catch (IOException e) {
                answer = e.toString();
            }
            Thread.sleep(100);
        }
        close();
        throw new IOException("S3Proxy did not answer on " + endpoint + " within 30 s; last: " + answer + "; log " + log
                + ":\n" + Files.readString(log));
    }

    /**
     * Creates the bucket (a folder of the filesystem backend) and returns {@code s3://NAME/PREFIX}: text, as a
     * user gives it, so the test kit needs no Kiln module above it.
     */
    public String bucket(String name, String prefix) throws IOException {
        Files.createDirectories(data.resolve(name));
        return "s3://" + name + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    /** The AWS settings a process reads to reach this server. */
    public Map<String, String> environment() {
        return environment(endpoint);
    }

    /**
     * The AWS settings that reach this server through a front that makes its conditional writes atomic, as S3's are
     * (S3Proxy checks {@code If-Match} and writes in two steps; see {@link ConditionalWriteFront}): for tests where
     * writers race to replace one object at the same moment.
     */
    public synchronized Map<String, String> atomicEnvironment() throws IOException {
        if (front == null) {
            front = ConditionalWriteFront.start(port);
        }
        return environment(front.endpoint());
    }

    private static Map<String, String> environment(String endpoint) {
        return Map.of(
                "AWS_ENDPOINT_URL", endpoint,
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", IDENTITY,
                "AWS_SECRET_ACCESS_KEY", CREDENTIAL);
    }

    public String endpoint() {
        return endpoint;
    }

    @Override
    public synchronized void close() {
        if (front != null) {
            front.close();
        }
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
