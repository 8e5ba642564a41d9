package dev.kiln.server.queue;

import dev.kiln.content.Digest;
import dev.kiln.server.ReconcileEvent;
import dev.kiln.server.ReconcileListener;
import dev.kiln.server.state.BuildQueue;
import dev.kiln.server.state.BuildQueue.Claim;
import dev.kiln.server.state.BuildQueue.Output;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The loop behind {@code kiln worker}: claim a runnable job, build it, store what it made in the output store under
 * its digest, and submit the digests — only while still holding the lease, which a background heartbeat extends.
 * The worker keeps nothing between jobs that another worker would need: a worker may die at any moment and its
 * job runs again elsewhere once the lease expires.
 */
public final class Worker {
    /** Builds one claimed job in {@code scratch} (empty, the worker's own, removed afterwards). */
    @FunctionalInterface
    public interface JobRunner {
        JobResult run(Claim claim, Path scratch);
    }

    /** What a build made: its packages and its log (null when it stopped before writing one). */
    public record JobResult(
            boolean success,
            List<Path> packages,
            @Nullable Path log,
            @Nullable String message) {
        public JobResult {
            packages = List.copyOf(packages);
        }
    }

    /**
     * {@code lease}: how long a claim holds without a heartbeat; {@code heartbeat}: how often it is extended (well
     * under the lease); {@code idlePoll}: the wait when nothing is runnable; {@code exitWhenIdle}: stop once no job
     * is queued or running instead of waiting for more.
     */
    public record Options(Duration lease, Duration heartbeat, Duration idlePoll, boolean exitWhenIdle) {
        public static final Options DEFAULT =
                new Options(Duration.ofSeconds(60), Duration.ofSeconds(15), Duration.ofSeconds(2), false);

        public Options {
            Objects.requireNonNull(lease, "lease");
            Objects.requireNonNull(heartbeat, "heartbeat");
            Objects.requireNonNull(idlePoll, "idlePoll");
            if (heartbeat.compareTo(lease) >= 0) {
                throw new IllegalArgumentException(
                        "the heartbeat (" + heartbeat + ") must be shorter than the lease (" + lease + ")");
            }
        }
    }

    /** How submitting a claim's result ended. */
    public enum Submitted {
        /** recorded SUCCEEDED with its outputs */
        COMPLETED,
        /** recorded FAILED (the build failed) */
        FAILED,
        /** an output did not match the stored bytes; the job was queued again */
        REFUSED,
        /** the claim no longer held the lease; nothing was recorded */
        LOST
    }

    private final String name;
    private final BuildQueue queue;
    private final OutputStore store;
    private final JobRunner runner;
    private final Path scratch;
    private final Options options;
    private final ReconcileListener listener;

    public Worker(
            String name,
            BuildQueue queue,
            OutputStore store,
            JobRunner runner,
            Path scratch,
            Options options,
            ReconcileListener listener) {
        this.name = name;
        this.queue = queue;
        this.store = store;
        this.runner = runner;
        this.scratch = scratch;
        this.options = options;
        this.listener = listener;
    }

    /** A name unique to this process on this host: {@code host:pid}. */
    public static String processName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    /**
     * Runs jobs until the thread is interrupted or, with {@code exitWhenIdle}, until no job is queued or running;
     * returns how many jobs this worker finished.
     */
    public int run() throws InterruptedException {
        int done = 0;
        while (!Thread.currentThread().isInterrupted()) {
            if (runOne() != null) {
                done++;
                continue;
            }
            queue.failBlocked();
            if (options.exitWhenIdle() && queue.pending() == 0) {
                return done;
            }
            Thread.sleep(options.idlePoll().toMillis());
        }
        return done;
    }

    /** Claims and runs one job; null when none was runnable. */
    public @Nullable Submitted runOne() {
        Claim claim = queue.claim(name, options.lease());
        if (claim == null) {
            return null;
        }
        listener.onEvent(ReconcileEvent.of(
                "claimed",
                "==> job " + claim.jobId() + " " + claim.recipe() + " (attempt " + claim.attempt() + ")",
                "job",
                claim.jobId(),
                "recipe",
                claim.recipe(),
                "attempt",
                claim.attempt()));
        AtomicBoolean held = new AtomicBoolean(true);
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kiln-worker-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = options.heartbeat().toMillis();
        ScheduledFuture<?> beating = heartbeats.scheduleAtFixedRate(
                () -> {
                    try {
                        if (held.get() && !queue.heartbeat(claim, options.lease())) {
                            held.set(false);
                        }
                    } catch (RuntimeException e) {
                        // a database hiccup: the next beat tries again (an exception here would cancel them all),
                        // and if none gets through before the lease runs out the job is lost, not duplicated
                    }
                },
                period,
                period,
                TimeUnit.MILLISECONDS);
        Path dir = scratch.resolve("job-" + claim.jobId() + "-" + claim.attempt());
        Submitted submitted;
        try {
            JobResult result;
            try {
                Files.createDirectories(dir);
                result = runner.run(claim, dir);
            } catch (IOException | RuntimeException e) {
                result = new JobResult(false, List.of(), null, "the worker failed: " + e);
            }
            // stopped before submitting: a heartbeat after completion would find the lease released and report it lost
            beating.cancel(false);
            submitted = submit(result, claim, held.get());
        } finally {
            heartbeats.shutdownNow();
            delete(dir);
        }
        listener.onEvent(ReconcileEvent.of(
                "finished",
                "    job " + claim.jobId() + " " + claim.recipe() + ": "
                        + submitted.name().toLowerCase(java.util.Locale.ROOT),
                "job",
                claim.jobId(),
                "recipe",
                claim.recipe(),
                "result",
                submitted.name()));
        return submitted;
    }

    private Submitted submit(JobResult result, Claim claim, boolean stillHeld) {
        if (!stillHeld) {
            return Submitted.LOST;
        }
        List<Output> outputs = new ArrayList<>();
        if (result.log() != null && Files.isRegularFile(result.log())) {
            outputs.add(stored(result.log(), "log"));
        }
        if (!result.success()) {
            String message = result.message() == null ? "the build failed" : result.message();
            return queue.fail(claim, message, outputs) ? Submitted.FAILED : Submitted.LOST;
        }
        for (Path apk : result.packages()) {
            outputs.add(stored(apk, "apk"));
        }
        return submit(queue, store, claim, outputs, result.message());
    }

    private Output stored(Path file, String kind) {
        try {
            Digest digest = store.put(file);
            return new Output(file.getFileName().toString(), kind, digest.toString(), Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Submits {@code outputs} for {@code claim}: every digest must name bytes in {@code store} that hash to it, else
     * the result is refused and the job queued again (a worker's word is not taken for what it stored); then the
     * job is completed if the claim still holds the lease.
     */
    public static Submitted submit(
            BuildQueue queue, OutputStore store, Claim claim, List<Output> outputs, @Nullable String message) {
        for (Output o : outputs) {
            Digest digest;
            try {
                digest = Digest.parse(o.digest());
            } catch (RuntimeException e) {
                return queue.refuse(claim, o.name() + ": '" + o.digest() + "' is not a digest")
                        ? Submitted.REFUSED
                        : Submitted.LOST;
            }
            String mismatch = OutputStores.mismatch(store, digest);
            if (mismatch != null) {
                return queue.refuse(claim, o.name() + ": " + mismatch) ? Submitted.REFUSED : Submitted.LOST;
            }
        }
        return queue.complete(claim, outputs, message) ? Submitted.COMPLETED : Submitted.LOST;
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // scratch left behind costs disk only; the next job uses a new directory
        }
    }
}
