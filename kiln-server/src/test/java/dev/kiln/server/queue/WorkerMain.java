package dev.kiln.server.queue;

import dev.kiln.server.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A worker process for the tests, wired as {@code kiln worker} wires it (the CLI is a module above this one):
 * {@code WorkerMain JDBC_URL STORAGE STATE_DIR PACKAGE_KEY LEASE_MS HEARTBEAT_MS [idle]}. With {@code idle} it exits
 * once nothing is queued or running; otherwise it runs until killed.
 */
public final class WorkerMain {
    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.builder()
                .stateDir(Path.of(args[2]))
                .packageKey(Path.of(args[3]))
                .arch("x86_64")
                .unsignedImages(true)
                .database(args[0])
                .storage(args[1])
                .build(System.getenv());
        Worker.Options options = new Worker.Options(
                Duration.ofMillis(Long.parseLong(args[4])),
                Duration.ofMillis(Long.parseLong(args[5])),
                Duration.ofMillis(100),
                List.of(args).contains("idle"));
        Workers.run(settings, options, Worker.processName(), event -> System.out.println(event.text()));
    }
}
