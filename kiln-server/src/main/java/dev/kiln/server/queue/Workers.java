package dev.kiln.server.queue;

import dev.kiln.server.ReconcileListener;
import dev.kiln.server.Settings;
import dev.kiln.server.state.BuildQueue;
import java.net.http.HttpClient;
import java.time.Clock;

/** {@code kiln worker} wired from its settings: the queue in the settings' database, the store at their storage. */
public final class Workers {
    private Workers() {}

    /**
     * Runs a worker named {@code name} until interrupted (or idle, when the options say so); returns how many jobs it
     * finished. {@code settings} must name a storage.
     */
    public static int run(Settings settings, Worker.Options options, String name, ReconcileListener listener)
            throws InterruptedException {
        String storage = settings.storage();
        if (storage == null) {
            throw new QueueException("a worker needs --storage: the directory or s3://bucket/prefix its outputs go to");
        }
        HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        PackageJobRunner runner = new PackageJobRunner(settings, http, ReconcileListener.NONE);
        try (OutputStore store = OutputStores.of(storage, settings.environment());
                BuildQueue queue = BuildQueue.open(settings.database(), Clock.systemUTC())) {
            return new Worker(name, queue, store, runner, settings.workDir().resolve("jobs"), options, listener).run();
        }
    }
}
