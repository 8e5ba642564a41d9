import dev.kiln.server.ReconcileListener;
import dev.kiln.server.queue.FileOutputStore;
import dev.kiln.server.queue.Worker;
import dev.kiln.server.state.BuildQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The build queue's own cost: empty jobs (a runner that builds nothing) claimed, heartbeated and completed through
 * PostgreSQL by 1, 2 and 4 workers (threads, each with its own connection, as separate processes would have), and the
 * time a job waits after its worker dies (stops heartbeating mid-job) until another worker has completed it.
 * Run: java -cp kiln-cli/target/kiln.jar bench/QueueBench.java JDBC_URL_PREFIX JOBS
 * (JDBC_URL_PREFIX + "q1", "q2", "q4", "lease" must be empty databases).
 */
public class QueueBench {
    public static void main(String[] args) throws Exception {
        String prefix = args[0];
        int jobs = Integer.parseInt(args[1]);
        Path scratch = Files.createTempDirectory("queue-bench");
        FileOutputStore store = new FileOutputStore(scratch.resolve("outputs"));
        Worker.JobRunner empty = (claim, dir) -> new Worker.JobResult(true, List.of(), null, null);
        for (int workers : new int[] {1, 2, 4}) {
            String url = prefix + "q" + workers + "?user=kiln";
            try (BuildQueue queue = BuildQueue.open(url, Clock.systemUTC())) {
                for (int i = 0; i < jobs; i++) {
                    queue.enqueue(new BuildQueue.NewJob("job" + i, "in" + i, "x86_64", 0, "", 3, List.of()));
                }
            }
            long start = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                String name = "bench-" + w;
                Thread t = new Thread(() -> {
                    try (BuildQueue queue = BuildQueue.open(url, Clock.systemUTC())) {
                        new Worker(name, queue, store, empty, scratch.resolve(name), new Worker.Options(
                                        Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMillis(20), true),
                                        ReconcileListener.NONE)
                                .run();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("workers=%d jobs=%d seconds=%.2f jobs/s=%.0f%n", workers, jobs, seconds, jobs / seconds);
        }
        // lease recovery: a worker claims and dies; a live worker polling every 100 ms takes the job over
        String url = prefix + "lease?user=kiln";
        for (long leaseMillis : new long[] {2000, 5000}) {
            try (BuildQueue queue = BuildQueue.open(url, Clock.systemUTC())) {
                queue.enqueue(new BuildQueue.NewJob("dead" + leaseMillis, "in", "x86_64", 0, "", 3, List.of()));
                BuildQueue.Claim lost = queue.claim("dead-worker", Duration.ofMillis(leaseMillis));
                long killed = System.nanoTime();
                Worker live = new Worker("live", queue, store, empty, scratch.resolve("live"), new Worker.Options(
                                Duration.ofMillis(leaseMillis), Duration.ofMillis(leaseMillis / 4),
                                Duration.ofMillis(100), true),
                        ReconcileListener.NONE);
                live.run();
                double recovered = (System.nanoTime() - killed) / 1e9;
                System.out.printf("lease=%.1fs recovered after %.2fs (job %d attempts %d)%n",
                        leaseMillis / 1000.0, recovered, lost.jobId(), queue.job(lost.jobId()).attempts());
            }
        }
    }
}
