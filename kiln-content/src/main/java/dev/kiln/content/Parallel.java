package dev.kiln.content;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs network-bound work (upstream lookups, registry writes) a few at a time: the cost is round
 * trips, not CPU, so overlapping them turns a sum of waits into a fraction of it. Results keep the
 * input order; the first failure in that order is rethrown once every task has been stopped.
 */
public final class Parallel {
    /** Requests in flight per caller; modest, so a remote host is not hammered. */
    public static final int IN_FLIGHT = 8;

    private Parallel() {}

    public static <T, R> List<R> map(List<T> items, int threads, Function<T, R> f) {
        if (items.size() <= 1 || threads <= 1) {
            return items.stream().map(f).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, items.size()), r -> {
            Thread t = new Thread(r, "kiln-io");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> f.apply(item)));
            }
            List<R> out = new ArrayList<>(items.size());
            for (Future<R> fu : futures) {
                out.add(fu.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for network requests", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
