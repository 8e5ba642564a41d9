package dev.kiln.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.server.state.BuildQueue.AttemptOutcome;
import dev.kiln.server.state.BuildQueue.Claim;
import dev.kiln.server.state.BuildQueue.JobState;
import dev.kiln.server.state.BuildQueue.NewJob;
import dev.kiln.server.state.BuildQueue.Output;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The build queue's state transitions, run against each database Kiln supports by the subclasses. */
abstract class BuildQueueContract {
    static final Duration LEASE = Duration.ofSeconds(10);

    /** A JDBC URL of a new, empty database. */
    abstract String freshDatabase() throws Exception;

    /** A clock the test moves by hand, so lease expiry needs no waiting. */
    static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-03-01T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static NewJob job(String recipe, String inputs, List<Long> dependsOn) {
        return new NewJob(recipe, inputs, "x86_64", 1_700_000_000L, "package: {name: " + recipe + "}", 3, dependsOn);
    }

    static NewJob job(String recipe, List<Long> dependsOn) {
        return job(recipe, "in-" + recipe, dependsOn);
    }

    @Test
    void enqueueIsIdempotentByRecipeAndInputs() throws Exception {
        try (BuildQueue queue = BuildQueue.open(freshDatabase(), new TestClock())) {
            long first = queue.enqueue(job("a", List.of()));
            assertThat(queue.enqueue(job("a", List.of()))).isEqualTo(first);
            long changed = queue.enqueue(job("a", "other-inputs", List.of()));
            assertThat(changed).isNotEqualTo(first);
            assertThat(queue.jobs()).extracting(BuildQueue.Job::id).containsExactly(first, changed);
            assertThat(queue.jobs()).allSatisfy(j -> assertThat(j.state()).isEqualTo(JobState.QUEUED));
        }
    }

    @Test
    void aJobRunsOnlyAfterTheJobsItDependsOnSucceeded() throws Exception {
        try (BuildQueue queue = BuildQueue.open(freshDatabase(), new TestClock())) {
            long a = queue.enqueue(job("a", List.of()));
            long b = queue.enqueue(job("b", List.of(a)));
            long c = queue.enqueue(job("c", List.of(a, b)));
            assertThat(queue.dependencies(c)).containsExactly(a, b);

            Claim first = queue.claim("w1", LEASE);
            assertThat(first.jobId()).isEqualTo(a);
            assertThat(queue.claim("w2", LEASE)).as("b waits for a").isNull();
            assertThat(queue.complete(first, List.of(), null)).isTrue();

            Claim second = queue.claim("w2", LEASE);
            assertThat(second.jobId()).isEqualTo(b);
            assertThat(second.recipe()).isEqualTo("b");
            assertThat(second.recipeYaml()).isEqualTo("package: {name: b}");
            assertThat(queue.claim("w1", LEASE)).as("c waits for b").isNull();
            assertThat(queue.complete(second, List.of(), null)).isTrue();
            assertThat(queue.claim("w1", LEASE).jobId()).isEqualTo(c);
        }
    }

    @Test
    void anExpiredLeaseLetsAnotherWorkerTakeTheJobAndTheFirstLoses() throws Exception {
        TestClock clock = new TestClock();
        try (BuildQueue queue = BuildQueue.open(freshDatabase(), clock)) {
            long a = queue.enqueue(job("a", List.of()));
            Claim w1 = queue.claim("w1", LEASE);
            assertThat(w1.attempt()).isEqualTo(1);

            clock.advance(Duration.ofSeconds(8));
            assertThat(queue.heartbeat(w1, LEASE)).isTrue();
            clock.advance(Duration.ofSeconds(8));
            assertThat(queue.claim("w2", LEASE))
                    .as("the heartbeat extended the lease")
                    .isNull();

            clock.advance(Duration.ofSeconds(3));
            Claim w2 = queue.claim("w2", LEASE);
            assertThat(w2.jobId()).isEqualTo(a);
            assertThat(w2.attempt()).isEqualTo(2);

            assertThat(queue.heartbeat(w1, LEASE)).isFalse();
            Output apk = new Output("a-1-r0.apk", "apk", "sha256:" + "ab".repeat(32), 10);
            assertThat(queue.complete(w1, List.of(apk), null))
                    .as("w1 lost its lease")
                    .isFalse();
            assertThat(queue.outputs(a)).isEmpty();
            assertThat(queue.complete(w2, List.of(apk), "built")).isTrue();
            assertThat(queue.outputs(a)).containsExactly(apk);
            assertThat(queue.job(a).state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(queue.attempts(a))
                    .extracting(BuildQueue.Attempt::worker, BuildQueue.Attempt::outcome)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("w1", AttemptOutcome.EXPIRED),
                            org.assertj.core.groups.Tuple.tuple("w2", AttemptOutcome.SUCCEEDED));
        }
    }

    @Test
    void aRefusedResultIsQueuedAgainUntilItsAttemptsAreUsedUp() throws Exception {
        try (BuildQueue queue = BuildQueue.open(freshDatabase(), new TestClock())) {
            long a = queue.enqueue(new NewJob("a", "in", "x86_64", 0, "yaml", 2, List.of()));
            assertThat(queue.refuse(queue.claim("w1", LEASE), "a.apk: bad digest"))
                    .isTrue();
            assertThat(queue.job(a).state()).isEqualTo(JobState.QUEUED);
            assertThat(queue.job(a).message()).isEqualTo("result refused: a.apk: bad digest");

            Claim again = queue.claim("w2", LEASE);
            assertThat(again.attempt()).isEqualTo(2);
            assertThat(queue.refuse(again, "a.apk: bad digest")).isTrue();
            assertThat(queue.job(a).state()).isEqualTo(JobState.FAILED);
            assertThat(queue.claim("w3", LEASE)).isNull();
            assertThat(queue.attempts(a))
                    .extracting(BuildQueue.Attempt::outcome)
                    .containsExactly(AttemptOutcome.REFUSED, AttemptOutcome.REFUSED);
        }
    }

    @Test
    void aJobWhoseLeasesKeepExpiringFailsAfterItsAttempts() throws Exception {
        TestClock clock = new TestClock();
        try (BuildQueue queue = BuildQueue.open(freshDatabase(), clock)) {
            long a = queue.enqueue(new NewJob("a", "in", "x86_64", 0, "yaml", 1, List.of()));
            queue.claim("w1", LEASE);
            clock.advance(LEASE.plusSeconds(1));
            assertThat(queue.claim("w2", LEASE)).isNull();
            assertThat(queue.job(a).state()).isEqualTo(JobState.FAILED);
            assertThat(queue.job(a).message()).contains("gave up after 1 attempts");
            assertThat(queue.pending()).isZero();
        }
    }

    @Test
    void aFailedBuildFailsItsDependentsAndEnqueueingAgainRetriesIt() throws Exception {
        try (BuildQueue queue = BuildQueue.open(freshDatabase(), new TestClock())) {
            long a = queue.enqueue(job("a", List.of()));
            long b = queue.enqueue(job("b", List.of(a)));
            long c = queue.enqueue(job("c", List.of(b)));
            BuildQueue.Output log = new BuildQueue.Output("a.log", "log", "sha256:" + "1".repeat(64), 120);
            assertThat(queue.fail(queue.claim("w1", LEASE), "exit status 3", List.of(log)))
                    .isTrue();
            assertThat(queue.outputs(a)).as("the failed build's log is kept").containsExactly(log);
            assertThat(queue.failBlocked()).isEqualTo(2);
            assertThat(queue.job(c).state()).isEqualTo(JobState.FAILED);
            assertThat(queue.job(c).message()).isEqualTo("a job it depends on failed");
            assertThat(queue.pending()).isZero();

            assertThat(queue.enqueue(job("a", List.of()))).isEqualTo(a);
            assertThat(queue.job(a).state()).isEqualTo(JobState.QUEUED);
            assertThat(queue.job(a).attempts()).isZero();
            assertThat(queue.outputs(a))
                    .as("the retry starts without the failed attempt's log")
                    .isEmpty();
            assertThat(queue.job(b).state()).as("re-enqueued separately").isEqualTo(JobState.FAILED);
        }
    }

    @Test
    void aSucceededJobIsPublishedOnce() throws Exception {
        try (BuildQueue queue = BuildQueue.open(freshDatabase(), new TestClock())) {
            long a = queue.enqueue(job("a", List.of()));
            assertThat(queue.markPublished(a)).as("not built yet").isFalse();
            queue.complete(queue.claim("w1", LEASE), List.of(), null);
            assertThat(queue.markPublished(a)).isTrue();
            assertThat(queue.markPublished(a)).isFalse();
            assertThat(queue.enqueue(job("a", List.of()))).isEqualTo(a);
            assertThat(queue.job(a).state()).as("a succeeded job is reused").isEqualTo(JobState.SUCCEEDED);
        }
    }

    @Test
    void racingEnqueuersAddEachJobOnceAndRacingClaimantsTakeEachJobOnce() throws Exception {
        String url = freshDatabase();
        BuildQueue.open(url, Clock.systemUTC()).close();
        int jobs = 20;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Long>>> enqueued = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                enqueued.add(pool.submit(() -> {
                    try (BuildQueue queue = BuildQueue.open(url, Clock.systemUTC())) {
                        go.await();
                        List<Long> ids = new ArrayList<>();
                        for (int i = 0; i < jobs; i++) {
                            ids.add(queue.enqueue(job("r" + i, ids.isEmpty() ? List.of() : List.of(ids.get(0)))));
                        }
                        return ids;
                    }
                }));
            }
            go.countDown();
            assertThat(enqueued.get(0).get()).isEqualTo(enqueued.get(1).get());

            Set<Long> claimed = ConcurrentHashMap.newKeySet();
            List<Long> duplicates = Collections.synchronizedList(new ArrayList<>());
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                String name = "w" + w;
                workers.add(pool.submit(() -> {
                    try (BuildQueue queue = BuildQueue.open(url, Clock.systemUTC())) {
                        while (queue.pending() > 0) {
                            Claim c = queue.claim(name, Duration.ofMinutes(5));
                            if (c == null) {
                                Thread.sleep(5);
                                continue;
                            }
                            if (!claimed.add(c.jobId())) {
                                duplicates.add(c.jobId());
                            }
                            queue.complete(c, List.of(), null);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
            assertThat(duplicates).isEmpty();
            assertThat(claimed).hasSize(jobs);
            try (BuildQueue queue = BuildQueue.open(url, Clock.systemUTC())) {
                assertThat(queue.jobs())
                        .hasSize(jobs)
                        .allSatisfy(j -> assertThat(j.attempts()).isEqualTo(1));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
