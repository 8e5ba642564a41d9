package dev.kiln.server.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The build queue workers share, in the state database ({@code jobs}, {@code job_dependencies},
 * {@code job_outputs}, {@code job_attempts}, schema version 5).
 *
 * <p>A job is one recipe built from one set of inputs. Enqueueing is idempotent by (recipe, inputs digest): the
 * insert does nothing on conflict, so reconcilers racing to enqueue the same build add it once. A job is runnable
 * when it is QUEUED and every job it depends on SUCCEEDED, or when it is RUNNING and its lease expired (its worker
 * died or stalled). A claim takes the oldest runnable job: on PostgreSQL with {@code SELECT … FOR UPDATE SKIP
 * LOCKED}, so workers never wait on each other's rows; on SQLite inside a {@code BEGIN IMMEDIATE} transaction (one
 * writer at a time, which is all the embedded default promises). The claimant holds a lease it extends with
 * {@link #heartbeat}; completing and failing are conditional on still holding it (same owner, same attempt), so a
 * worker whose lease was taken over loses and its results are never recorded.
 *
 * <p>One connection, used by one thread at a time (methods are synchronized).
 */
public final class BuildQueue implements AutoCloseable {
    /** A job's state; QUEUED and RUNNING may still change, SUCCEEDED and FAILED are final until re-enqueued. */
    public enum JobState {
        QUEUED,
        RUNNING,
        SUCCEEDED,
        FAILED
    }

    /** How one claim of a job ended, in {@code job_attempts}. */
    public enum AttemptOutcome {
        SUCCEEDED,
        FAILED,
        /** the worker's result did not match the bytes in the output store; the job was queued again */
        REFUSED,
        /** the lease ran out and another worker claimed the job */
        EXPIRED
    }

    /**
     * What a reconciler asks to be built: the recipe's name, the digest of everything the build depends on (the
     * compiled recipe, architecture, epoch), and what a worker needs to build it without the catalog.
     */
    public record NewJob(
            String recipe,
            String inputsSha256,
            String arch,
            long sourceDateEpoch,
            String recipeYaml,
            int maxAttempts,
            List<Long> dependsOn) {
        public NewJob {
            Objects.requireNonNull(recipe, "recipe");
            Objects.requireNonNull(inputsSha256, "inputsSha256");
            Objects.requireNonNull(arch, "arch");
            Objects.requireNonNull(recipeYaml, "recipeYaml");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
            }
            dependsOn = List.copyOf(dependsOn);
        }
    }

    /** A job as recorded. */
    public record Job(
            long id,
            String recipe,
            String inputsSha256,
            JobState state,
            int attempts,
            int maxAttempts,
            @Nullable String leaseOwner,
            @Nullable Long leaseExpiresAt,
            @Nullable String message,
            @Nullable Long publishedAt) {}

    /** A claimed job: what to build, and the lease that must still be held to complete it. */
    public record Claim(
            long jobId,
            int attempt,
            String worker,
            String recipe,
            String inputsSha256,
            String arch,
            long sourceDateEpoch,
            String recipeYaml,
            long leaseExpiresAt) {}

    /** One file a job made: its name, kind ({@code apk} or {@code log}), digest ({@code sha256:…}) and size. */
    public record Output(String name, String kind, String digest, long size) {
        public Output {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(digest, "digest");
        }
    }

    /** One claim of a job, as recorded. */
    public record Attempt(
            long jobId,
            int attempt,
            String worker,
            long startedAt,
            @Nullable Long finishedAt,
            @Nullable AttemptOutcome outcome,
            @Nullable String message) {}

    private final Connection connection;
    private final Dialect dialect;
    private final Clock clock;
    private final String where;

    private BuildQueue(Connection connection, Dialect dialect, Clock clock, String where) {
        this.connection = connection;
        this.dialect = dialect;
        this.clock = clock;
        this.where = where;
    }

    /** Opens the queue in the state database at {@code jdbcUrl}, migrating its schema when needed. */
    public static BuildQueue open(String jdbcUrl, Clock clock) {
        StateConnections.Opened db = StateConnections.open(jdbcUrl, clock, "the build queue in ");
        return new BuildQueue(db.connection(), db.dialect(), clock, db.where());
    }

    /**
     * Adds the job unless a job with the same recipe and inputs exists, and returns the id of the one that does.
     * A job that FAILED before is queued again (its attempts reset), so a later reconcile retries it; one that
     * SUCCEEDED stays as it is and its outputs are reused. Dependencies are added with the job, in one transaction,
     * so no worker can see the job without them.
     */
    public synchronized long enqueue(NewJob job) {
        return transaction(() -> {
            long now = clock.millis();
            update(
                    "INSERT INTO jobs (recipe, inputs_sha256, arch, source_date_epoch, recipe_yaml, state, attempts,"
                            + " max_attempts, enqueued_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)"
                            + " ON CONFLICT (recipe, inputs_sha256) DO NOTHING",
                    job.recipe(),
                    job.inputsSha256(),
                    job.arch(),
                    job.sourceDateEpoch(),
                    job.recipeYaml(),
                    JobState.QUEUED.name(),
                    job.maxAttempts(),
                    now);
            long id = query(
                            "SELECT id FROM jobs WHERE recipe = ? AND inputs_sha256 = ?",
                            r -> r.getLong(1),
                            job.recipe(),
                            job.inputsSha256())
                    .get(0);
            for (long dependency : job.dependsOn()) {
                update(
                        "INSERT INTO job_dependencies (job_id, depends_on) VALUES (?, ?)"
                                + " ON CONFLICT (job_id, depends_on) DO NOTHING",
                        id,
                        dependency);
            }
            int retried = update(
                    "UPDATE jobs SET state = ?, attempts = 0, message = NULL, finished_at = NULL, published_at = NULL"
                            + " WHERE id = ? AND state = ?",
                    JobState.QUEUED.name(),
                    id,
                    JobState.FAILED.name());
            if (retried == 1) {
                // the failed attempt's log goes with it: the retry records its own outputs under the same names
                update("DELETE FROM job_outputs WHERE job_id = ?", id);
            }
            return id;
        });
    }

    /**
     * Claims the oldest runnable job for {@code worker} with a lease of {@code lease}, or returns null when none is
     * runnable. A RUNNING job whose lease expired is taken over (its previous attempt is recorded EXPIRED) unless it
     * used up its attempts, in which case it FAILED.
     */
    public synchronized @Nullable Claim claim(String worker, Duration lease) {
        return transaction(() -> {
                    while (true) {
                        long now = clock.millis();
                        List<long[]> found = query(
                                "SELECT j.id, j.attempts, j.max_attempts, CASE WHEN j.state = ? THEN 1 ELSE 0 END FROM jobs j"
                                        + " WHERE (j.state = ? OR (j.state = ? AND j.lease_expires_at < ?))"
                                        + " AND NOT EXISTS (SELECT 1 FROM job_dependencies d JOIN jobs p ON p.id = d.depends_on"
                                        + " WHERE d.job_id = j.id AND p.state <> ?)"
                                        + " ORDER BY j.id LIMIT 1"
                                        + (dialect == Dialect.POSTGRESQL ? " FOR NO KEY UPDATE OF j SKIP LOCKED" : ""),
                                r -> new long[] {r.getLong(1), r.getInt(2), r.getInt(3), r.getInt(4)},
                                JobState.RUNNING.name(),
                                JobState.QUEUED.name(),
                                JobState.RUNNING.name(),
                                now,
                                JobState.SUCCEEDED.name());
                        if (found.isEmpty()) {
                            return Optional.<Claim>empty();
                        }
                        long id = found.get(0)[0];
                        int attempts = (int) found.get(0)[1];
                        int maxAttempts = (int) found.get(0)[2];
                        boolean expired = found.get(0)[3] == 1;
                        if (expired) {
                            finishAttempt(id, attempts, now, AttemptOutcome.EXPIRED, "lease expired");
                        }
                        if (attempts >= maxAttempts) {
                            String message = "gave up after " + attempts + " attempts (the last one's lease expired)";
                            update(
                                    "UPDATE jobs SET state = ?, lease_owner = NULL, lease_expires_at = NULL, finished_at = ?,"
                                            + " message = ? WHERE id = ?",
                                    JobState.FAILED.name(),
                                    now,
                                    message,
                                    id);
                            continue;
                        }
                        long expires = now + lease.toMillis();
                        update(
                                "UPDATE jobs SET state = ?, attempts = ?, lease_owner = ?, lease_expires_at = ?, started_at = ?"
                                        + " WHERE id = ?",
                                JobState.RUNNING.name(),
                                attempts + 1,
                                worker,
                                expires,
                                now,
                                id);
                        update(
                                "INSERT INTO job_attempts (job_id, attempt, worker, started_at) VALUES (?, ?, ?, ?)",
                                id,
                                attempts + 1,
                                worker,
                                now);
                        return Optional.of(query(
                                        "SELECT recipe, inputs_sha256, arch, source_date_epoch, recipe_yaml FROM jobs WHERE id = ?",
                                        r -> new Claim(
                                                id,
                                                attempts + 1,
                                                worker,
                                                r.getString(1),
                                                r.getString(2),
                                                r.getString(3),
                                                r.getLong(4),
                                                r.getString(5),
                                                expires),
                                        id)
                                .get(0));
                    }
                })
                .orElse(null);
    }

    /** Extends the lease to now + {@code lease}; false when the claim no longer holds it (taken over or finished). */
    public synchronized boolean heartbeat(Claim claim, Duration lease) {
        return update(
                        "UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND state = ? AND lease_owner = ?"
                                + " AND attempts = ?",
                        clock.millis() + lease.toMillis(),
                        claim.jobId(),
                        JobState.RUNNING.name(),
                        claim.worker(),
                        claim.attempt())
                == 1;
    }

    /**
     * Records the job SUCCEEDED with {@code outputs}, if {@code claim} still holds its lease; false (and nothing
     * recorded) when it does not. The caller has checked the outputs against the output store.
     */
    public synchronized boolean complete(Claim claim, List<Output> outputs, @Nullable String message) {
        return transaction(() -> {
            long now = clock.millis();
            if (!release(claim, JobState.SUCCEEDED, now, message)) {
                return false;
            }
            recordOutputs(claim, outputs);
            finishAttempt(claim.jobId(), claim.attempt(), now, AttemptOutcome.SUCCEEDED, message);
            return true;
        });
    }

    /**
     * Records the job FAILED (a build failure is not retried), if {@code claim} still holds its lease, with what the
     * failed build left ({@code outputs}: its log, so that the reason can be read where the job is published).
     */
    public synchronized boolean fail(Claim claim, String message, List<Output> outputs) {
        return transaction(() -> {
            long now = clock.millis();
            if (!release(claim, JobState.FAILED, now, message)) {
                return false;
            }
            recordOutputs(claim, outputs);
            finishAttempt(claim.jobId(), claim.attempt(), now, AttemptOutcome.FAILED, message);
            return true;
        });
    }

    private void recordOutputs(Claim claim, List<Output> outputs) {
        for (Output o : outputs) {
            update(
                    "INSERT INTO job_outputs (job_id, name, kind, digest, size) VALUES (?, ?, ?, ?, ?)",
                    claim.jobId(),
                    o.name(),
                    o.kind(),
                    o.digest(),
                    o.size());
        }
    }

    /**
     * Refuses the claim's result ({@code reason} says why): the job is queued again for another worker, or FAILED
     * when it used up its attempts. False when the claim no longer held the lease.
     */
    public synchronized boolean refuse(Claim claim, String reason) {
        return transaction(() -> {
            long now = clock.millis();
            boolean last = claim.attempt()
                    >= query("SELECT max_attempts FROM jobs WHERE id = ?", r -> r.getInt(1), claim.jobId())
                            .get(0);
            String message = "result refused: " + reason;
            int changed = update(
                    "UPDATE jobs SET state = ?, lease_owner = NULL, lease_expires_at = NULL, finished_at = ?, message = ?"
                            + " WHERE id = ? AND state = ? AND lease_owner = ? AND attempts = ?",
                    last ? JobState.FAILED.name() : JobState.QUEUED.name(),
                    last ? now : null,
                    last ? message + " (no attempts left)" : message,
                    claim.jobId(),
                    JobState.RUNNING.name(),
                    claim.worker(),
                    claim.attempt());
            if (changed != 1) {
                return false;
            }
            finishAttempt(claim.jobId(), claim.attempt(), now, AttemptOutcome.REFUSED, reason);
            return true;
        });
    }

    /**
     * Marks FAILED every queued job that waits on a FAILED job (transitively): it can never run. Returns how many
     * it marked.
     */
    public synchronized int failBlocked() {
        return transaction(() -> {
            int total = 0;
            while (true) {
                int changed = update(
                        "UPDATE jobs SET state = ?, finished_at = ?, message = 'a job it depends on failed'"
                                + " WHERE state = ? AND EXISTS (SELECT 1 FROM job_dependencies d JOIN jobs p"
                                + " ON p.id = d.depends_on WHERE d.job_id = jobs.id AND p.state = ?)",
                        JobState.FAILED.name(),
                        clock.millis(),
                        JobState.QUEUED.name(),
                        JobState.FAILED.name());
                if (changed == 0) {
                    return total;
                }
                total += changed;
            }
        });
    }

    /**
     * Marks a SUCCEEDED job published, once: true for the one caller that marked it, false for every other (it
     * was published already). The caller publishes the outputs only when this returns true.
     */
    public synchronized boolean markPublished(long jobId) {
        return update(
                        "UPDATE jobs SET published_at = ? WHERE id = ? AND state = ? AND published_at IS NULL",
                        clock.millis(),
                        jobId,
                        JobState.SUCCEEDED.name())
                == 1;
    }

    /** Puts a published job back to unpublished, when publishing its outputs failed after {@link #markPublished}. */
    public synchronized void unmarkPublished(long jobId) {
        update("UPDATE jobs SET published_at = NULL WHERE id = ?", jobId);
    }

    public synchronized Job job(long id) {
        List<Job> found = query("SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = ?", BuildQueue::job, id);
        if (found.isEmpty()) {
            throw new StateException("no job " + id + " in " + where, null);
        }
        return found.get(0);
    }

    /** Every job, oldest first. */
    public synchronized List<Job> jobs() {
        return query("SELECT " + JOB_COLUMNS + " FROM jobs ORDER BY id", BuildQueue::job);
    }

    /** The ids of the jobs {@code jobId} waits for. */
    public synchronized List<Long> dependencies(long jobId) {
        return query(
                "SELECT depends_on FROM job_dependencies WHERE job_id = ? ORDER BY depends_on",
                r -> r.getLong(1),
                jobId);
    }

    public synchronized List<Output> outputs(long jobId) {
        return query(
                "SELECT name, kind, digest, size FROM job_outputs WHERE job_id = ? ORDER BY name",
                r -> new Output(r.getString(1), r.getString(2), r.getString(3), r.getLong(4)),
                jobId);
    }

    public synchronized List<Attempt> attempts(long jobId) {
        return query(
                "SELECT job_id, attempt, worker, started_at, finished_at, outcome, message FROM job_attempts"
                        + " WHERE job_id = ? ORDER BY attempt",
                r -> {
                    long finished = r.getLong(5);
                    Long finishedAt = r.wasNull() ? null : finished;
                    String outcome = r.getString(6);
                    return new Attempt(
                            r.getLong(1),
                            r.getInt(2),
                            r.getString(3),
                            r.getLong(4),
                            finishedAt,
                            outcome == null ? null : AttemptOutcome.valueOf(outcome),
                            r.getString(7));
                },
                jobId);
    }

    /** How many jobs are QUEUED or RUNNING: zero when a worker with nothing to claim may stop. */
    public synchronized int pending() {
        return query(
                        "SELECT COUNT(*) FROM jobs WHERE state IN (?, ?)",
                        r -> r.getInt(1),
                        JobState.QUEUED.name(),
                        JobState.RUNNING.name())
                .get(0);
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StateException("cannot close " + where + ": " + e.getMessage(), e);
        }
    }

    private static final String JOB_COLUMNS = "id, recipe, inputs_sha256, state, attempts, max_attempts,"
            + " lease_owner, lease_expires_at, message, published_at";

    private static Job job(ResultSet r) throws SQLException {
        long expires = r.getLong(8);
        Long leaseExpiresAt = r.wasNull() ? null : expires;
        long published = r.getLong(10);
        Long publishedAt = r.wasNull() ? null : published;
        return new Job(
                r.getLong(1),
                r.getString(2),
                r.getString(3),
                JobState.valueOf(r.getString(4)),
                r.getInt(5),
                r.getInt(6),
                r.getString(7),
                leaseExpiresAt,
                r.getString(9),
                publishedAt);
    }

    private boolean release(Claim claim, JobState state, long now, @Nullable String message) {
        return update(
                        "UPDATE jobs SET state = ?, lease_owner = NULL, lease_expires_at = NULL, finished_at = ?,"
                                + " message = ? WHERE id = ? AND state = ? AND lease_owner = ? AND attempts = ?",
                        state.name(),
                        now,
                        message,
                        claim.jobId(),
                        JobState.RUNNING.name(),
                        claim.worker(),
                        claim.attempt())
                == 1;
    }

    private void finishAttempt(long jobId, int attempt, long now, AttemptOutcome outcome, @Nullable String message) {
        update(
                "UPDATE job_attempts SET finished_at = ?, outcome = ?, message = ? WHERE job_id = ? AND attempt = ?",
                now,
                outcome.name(),
                message,
                jobId,
                attempt);
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction. SQLite's starts IMMEDIATE: it takes the write lock first, so two
     * claimants queue on the busy timeout instead of both reading and one failing to upgrade its lock.
     */
    private <T> T transaction(Work<T> work) {
        try {
            if (dialect == Dialect.SQLITE) {
                try (Statement s = connection.createStatement()) {
                    s.execute("BEGIN IMMEDIATE");
                }
                try {
                    T result = work.run();
                    try (Statement s = connection.createStatement()) {
                        s.execute("COMMIT");
                    }
                    return result;
                } catch (SQLException | RuntimeException e) {
                    try (Statement s = connection.createStatement()) {
                        s.execute("ROLLBACK");
                    }
                    throw e;
                }
            }
            connection.setAutoCommit(false);
            try {
                T result = work.run();
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StateException("build queue in " + where + ": " + e.getMessage(), e);
        }
    }

    private interface Row<T> {
        T read(ResultSet r) throws SQLException;
    }

    private <T> List<T> query(String sql, Row<T> row, @Nullable Object... args) {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            bind(p, args);
            try (ResultSet r = p.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (r.next()) {
                    out.add(row.read(r));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StateException("build queue in " + where + ": " + e.getMessage(), e);
        }
    }

    private int update(String sql, @Nullable Object... args) {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            bind(p, args);
            return p.executeUpdate();
        } catch (SQLException e) {
            throw new StateException("build queue in " + where + ": " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement p, @Nullable Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                // every nullable column the queue writes is BIGINT or TEXT; PostgreSQL wants the right one
                p.setNull(i + 1, java.sql.Types.NULL);
            } else if (a instanceof Long l) {
                p.setLong(i + 1, l);
            } else if (a instanceof Integer n) {
                p.setInt(i + 1, n);
            } else {
                p.setString(i + 1, a.toString());
            }
        }
    }
}
