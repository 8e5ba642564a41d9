package dev.kiln.server.state;

import dev.kiln.server.state.Records.Build;
import dev.kiln.server.state.Records.BuildResult;
import dev.kiln.server.state.Records.ImagePublication;
import dev.kiln.server.state.Records.Run;
import dev.kiln.server.state.Records.RunStatus;
import dev.kiln.server.state.Records.UpstreamCheck;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;
import org.jspecify.annotations.Nullable;

/**
 * The record of what Kiln did: reconcile runs, builds, image publications and upstream checks, in
 * SQLite (one file, the embedded default) or PostgreSQL (for a team), through the same SQL.
 * Opening migrates the schema and marks as INTERRUPTED every run of this host whose process is gone,
 * so a crash mid-run leaves a run that says so instead of one that seems to run forever.
 * One connection, used by one thread at a time.
 */
public final class StateStore implements AutoCloseable {
    private final Connection connection;
    private final Clock clock;
    private final String owner;
    private final String where;

    private StateStore(Connection connection, Clock clock, String owner, String where) {
        this.connection = connection;
        this.clock = clock;
        this.owner = owner;
        this.where = where;
    }

    /**
     * Opens (creating when needed) the database at {@code jdbcUrl}. {@code host} names this machine in
     * run owners; {@code alive} says whether a process id of this host still runs.
     */
    public static StateStore open(String jdbcUrl, Clock clock, String host, long pid, LongPredicate alive) {
        StateConnections.Opened db = StateConnections.open(jdbcUrl, clock, "the state database ");
        StateStore store = new StateStore(db.connection(), clock, host + ":" + pid, db.where());
        try {
            store.markInterrupted(host, alive);
        } catch (SQLException e) {
            StateConnections.closeQuietly(db.connection());
            throw new StateException("cannot open the state database " + db.where() + ": " + e.getMessage(), e);
        }
        return store;
    }

    /** Opens the database for this process: owner host:pid, where a pid is alive when the OS knows it. */
    public static StateStore open(String jdbcUrl, Clock clock) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return open(
                jdbcUrl,
                clock,
                host,
                ProcessHandle.current().pid(),
                pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /** The URL without credentials, for messages. */
    static String redacted(String jdbcUrl) {
        String noQuery = jdbcUrl.replaceFirst("\\?.*$", "");
        return noQuery.replaceFirst("//[^/@]*@", "//");
    }

    /** Records a run as RUNNING; returns its id. */
    public synchronized long startRun(String kind) {
        return insert(
                "INSERT INTO runs (kind, owner, started_at, status) VALUES (?, ?, ?, ?)",
                kind,
                owner,
                clock.millis(),
                RunStatus.RUNNING.name());
    }

    public synchronized void finishRun(long runId, RunStatus status, @Nullable String summary) {
        update(
                "UPDATE runs SET status = ?, finished_at = ?, summary = ? WHERE id = ?",
                status.name(),
                clock.millis(),
                summary,
                runId);
    }

    public synchronized long recordBuild(
            long runId,
            String recipe,
            String packageName,
            String recipeSha256,
            Instant startedAt,
            long durationMillis,
            BuildResult result,
            List<String> outputs,
            @Nullable String logPath,
            @Nullable String message) {
        return insert(
                "INSERT INTO builds (run_id, recipe, package, recipe_sha256, started_at, duration_ms, result, outputs,"
                        + " log_path, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                runId,
                recipe,
                packageName,
                recipeSha256,
                startedAt.toEpochMilli(),
                durationMillis,
                result.name(),
                String.join("\n", outputs),
                logPath,
                message);
    }

    /** Records a publication; the contents are stored once per digest, in the same transaction. */
    public synchronized long recordImage(
            long runId,
            String image,
            String reference,
            String digest,
            boolean pushed,
            boolean signed,
            Records.ImageContents contents) {
        return recordImage(runId, image, reference, digest, pushed, signed, contents, null);
    }

    /**
     * Records a publication with the fingerprint of its inputs ({@code inputsSha256}, null when unknown), so a
     * later run can find it by {@link #publicationWithInputs}.
     */
    public synchronized long recordImage(
            long runId,
            String image,
            String reference,
            String digest,
            boolean pushed,
            boolean signed,
            Records.ImageContents contents,
            @Nullable String inputsSha256) {
        return transaction(() -> {
            long id = insert(
                    "INSERT INTO image_publications (run_id, image, reference, digest, pushed, signed, published_at,"
                            + " compressed_size, package_count, inputs_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    runId,
                    image,
                    reference,
                    digest,
                    pushed ? 1 : 0,
                    signed ? 1 : 0,
                    clock.millis(),
                    contents.compressedSize(),
                    contents.packages().size(),
                    inputsSha256);
            boolean known = !query("SELECT 1 FROM image_packages WHERE digest = ? LIMIT 1", r -> 1, digest)
                            .isEmpty()
                    || !query("SELECT 1 FROM image_documents WHERE digest = ? LIMIT 1", r -> 1, digest)
                            .isEmpty();
            if (!known) {
                for (Records.ImagePackage p : contents.packages()) {
                    update(
                            "INSERT INTO image_packages (digest, name, version, license, origin) VALUES (?, ?, ?, ?, ?)",
                            digest,
                            p.name(),
                            p.version(),
                            p.license(),
                            p.origin());
                }
                for (Records.Document d : contents.documents()) {
                    update(
                            "INSERT INTO image_documents (digest, kind, media_type, content) VALUES (?, ?, ?, ?)",
                            digest,
                            d.kind(),
                            d.mediaType(),
                            d.content());
                }
            }
            return id;
        });
    }

    /** The newest publication of {@code image} assembled from inputs with this fingerprint, or null. */
    public synchronized @Nullable ImagePublication publicationWithInputs(String image, String inputsSha256) {
        List<ImagePublication> found = query(
                "SELECT " + PUBLICATION_COLUMNS + " FROM image_publications p WHERE p.image = ? AND p.inputs_sha256 = ?"
                        + " ORDER BY p.id DESC LIMIT 1",
                StateStore::publication,
                image,
                inputsSha256);
        return found.isEmpty() ? null : found.get(0);
    }

    /**
     * Records that run {@code runId} found publication {@code earlier} still current: a new row with its
     * reference, digest, sizes and inputs, neither pushed nor signed by this run.
     */
    public synchronized long republish(long runId, long earlier) {
        return insert(
                "INSERT INTO image_publications (run_id, image, reference, digest, pushed, signed, published_at,"
                        + " compressed_size, package_count, inputs_sha256) SELECT ?, image, reference, digest, 0, 0, ?,"
                        + " compressed_size, package_count, inputs_sha256 FROM image_publications WHERE id = ?",
                runId,
                clock.millis(),
                earlier);
    }

    /** Every image with its latest publication, by name. */
    public synchronized List<Records.CatalogImage> catalog() {
        return query(
                CATALOG_SELECT + " JOIN (SELECT image, MAX(id) AS id FROM image_publications GROUP BY image) l"
                        + " ON p.id = l.id ORDER BY p.image",
                StateStore::catalogImage);
    }

    /** One image with its latest publication, or null when it was never published. */
    public synchronized Records.@Nullable CatalogImage catalogImage(String image) {
        List<Records.CatalogImage> found = query(
                CATALOG_SELECT + " WHERE p.id = (SELECT MAX(id) FROM image_publications" + " WHERE image = ?)",
                StateStore::catalogImage,
                image);
        return found.isEmpty() ? null : found.get(0);
    }

    /** A publication, when its image's content last changed, and whether its digest was ever signed. */
    private static final String CATALOG_SELECT =
            "SELECT p.id, p.run_id, p.image, p.reference, p.digest, p.pushed, p.signed,"
                    + " p.published_at, p.compressed_size, p.package_count,"
                    + " (SELECT MAX(q.published_at) FROM image_publications q WHERE q.image = p.image AND q.pushed = 1),"
                    + " (SELECT MAX(s.signed) FROM image_publications s WHERE s.digest = p.digest),"
                    + " sc.critical_count, sc.high_count, sc.medium_count, sc.low_count, sc.unknown_count"
                    + " FROM image_publications p LEFT JOIN image_scans sc ON sc.digest = p.digest";

    private static Records.CatalogImage catalogImage(ResultSet r) throws SQLException {
        int critical = r.getInt(13);
        Records.CveCounts cves = r.wasNull()
                ? null
                : new Records.CveCounts(critical, r.getInt(14), r.getInt(15), r.getInt(16), r.getInt(17));
        return new Records.CatalogImage(publication(r), instantOrNull(r, 11), r.getInt(12) != 0, cves);
    }

    /** The image's versions, newest first: publications that pushed something new. */
    public synchronized List<ImagePublication> imageHistory(String image, int limit) {
        return query(
                "SELECT " + PUBLICATION_COLUMNS + " FROM image_publications p WHERE p.image = ? AND p.pushed = 1"
                        + " ORDER BY p.id DESC LIMIT ?",
                StateStore::publication,
                image,
                limit);
    }

    public synchronized List<Records.ImagePackage> imagePackages(String digest) {
        return query(
                "SELECT name, version, license, origin FROM image_packages WHERE digest = ? ORDER BY name",
                r -> new Records.ImagePackage(r.getString(1), r.getString(2), r.getString(3), r.getString(4)),
                digest);
    }

    /** The document of {@code kind} about the image with {@code digest}, or null. */
    public synchronized Records.@Nullable Document imageDocument(String digest, String kind) {
        List<Records.Document> found = query(
                "SELECT kind, media_type, content FROM image_documents WHERE digest = ? AND kind = ?",
                r -> new Records.Document(r.getString(1), r.getString(2), r.getString(3)),
                digest,
                kind);
        return found.isEmpty() ? null : found.get(0);
    }

    /**
     * Records what a scan of the image with {@code digest} found, replacing an earlier scan of it: the same
     * digest is scanned again by every run, since advisories change while the image does not.
     */
    public synchronized void recordScan(String digest, Records.ImageScan scan) {
        inTransaction(() -> {
            update("DELETE FROM image_vulnerabilities WHERE digest = ?", digest);
            update("DELETE FROM image_scans WHERE digest = ?", digest);
            Records.CveCounts c = scan.counts();
            update(
                    "INSERT INTO image_scans (digest, scanned_at, critical_count, high_count, medium_count, low_count,"
                            + " unknown_count, advisories_as_of, sources, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    digest,
                    scan.scannedAt().toEpochMilli(),
                    c.critical(),
                    c.high(),
                    c.medium(),
                    c.low(),
                    c.unknown(),
                    millisOrNull(scan.advisoriesAsOf()),
                    String.join("\n", scan.sources()),
                    String.join("\n", scan.warnings()));
            for (Records.Vulnerability v : scan.vulnerabilities()) {
                update(
                        "INSERT INTO image_vulnerabilities (digest, id, package, version, severity, fixed_version, state,"
                                + " vex_status, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        digest,
                        v.id(),
                        v.packageName(),
                        v.version(),
                        v.severity(),
                        v.fixedVersion(),
                        v.state(),
                        v.vexStatus(),
                        v.detail());
            }
        });
    }

    /** The latest scan of the image with {@code digest}, with its vulnerabilities, or null when never scanned. */
    public synchronized Records.@Nullable ImageScan imageScan(String digest) {
        List<Records.Vulnerability> vulnerabilities = query(
                "SELECT id, package, version, severity, fixed_version, state, vex_status, detail FROM"
                        + " image_vulnerabilities WHERE digest = ? ORDER BY package, id",
                r -> new Records.Vulnerability(
                        r.getString(1),
                        r.getString(2),
                        r.getString(3),
                        r.getString(4),
                        r.getString(5),
                        r.getString(6),
                        r.getString(7),
                        r.getString(8)),
                digest);
        List<Records.ImageScan> found = query(
                "SELECT scanned_at, critical_count, high_count, medium_count, low_count, unknown_count,"
                        + " advisories_as_of, sources, warnings FROM image_scans WHERE digest = ?",
                r -> new Records.ImageScan(
                        Instant.ofEpochMilli(r.getLong(1)),
                        new Records.CveCounts(r.getInt(2), r.getInt(3), r.getInt(4), r.getInt(5), r.getInt(6)),
                        instantOrNull(r, 7),
                        lines(r.getString(8)),
                        lines(r.getString(9)),
                        vulnerabilities),
                digest);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Records the comparison of the image with {@code digest} with a conventional image, replacing an earlier one. */
    public synchronized void recordComparison(String digest, Records.Comparison comparison) {
        inTransaction(() -> {
            update("DELETE FROM image_comparisons WHERE digest = ?", digest);
            Records.Comparison.Side own = comparison.own();
            Records.Comparison.Side other = comparison.other();
            update(
                    "INSERT INTO image_comparisons (digest, compared_with, own_compressed, own_uncompressed,"
                            + " own_packages, own_cves, other_compressed, other_uncompressed, other_packages, other_cves)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    digest,
                    comparison.comparedWith(),
                    own.compressedSize(),
                    own.uncompressedSize(),
                    own.packages(),
                    own.cves(),
                    other.compressedSize(),
                    other.uncompressedSize(),
                    other.packages(),
                    other.cves());
        });
    }

    /** The comparison recorded for the image with {@code digest}, or null when none is configured. */
    public synchronized Records.@Nullable Comparison comparison(String digest) {
        List<Records.Comparison> found = query(
                "SELECT compared_with, own_compressed, own_uncompressed, own_packages, own_cves, other_compressed,"
                        + " other_uncompressed, other_packages, other_cves FROM image_comparisons WHERE digest = ?",
                r -> new Records.Comparison(
                        r.getString(1),
                        new Records.Comparison.Side(r.getLong(2), r.getLong(3), r.getInt(4), r.getInt(5)),
                        new Records.Comparison.Side(r.getLong(6), r.getLong(7), r.getInt(8), r.getInt(9))),
                digest);
        return found.isEmpty() ? null : found.get(0);
    }

    /**
     * Replaces what is known of each package in {@code packages}: the packages that rebuild when it changes
     * and the patches it carries (a package absent from a map has none).
     */
    public synchronized void recordPackageFacts(
            java.util.Collection<String> packages,
            java.util.Map<String, List<Records.Dependent>> dependents,
            java.util.Map<String, List<Records.Patch>> patches) {
        inTransaction(() -> {
            for (String name : packages) {
                update("DELETE FROM package_dependents WHERE package = ?", name);
                update("DELETE FROM package_patches WHERE package = ?", name);
                for (Records.Dependent d : dependents.getOrDefault(name, List.of())) {
                    update(
                            "INSERT INTO package_dependents (package, dependent, direct) VALUES (?, ?, ?)"
                                    // two reconcilers of one catalog (the build queue's) may replace these rows at
                                    // once: the second's DELETE cannot see the first's uncommitted rows
                                    + " ON CONFLICT (package, dependent) DO UPDATE SET direct = excluded.direct",
                            name,
                            d.name(),
                            d.direct() ? 1 : 0);
                }
                for (Records.Patch p : patches.getOrDefault(name, List.of())) {
                    update(
                            "INSERT INTO package_patches (package, patch, reason, advisories, since) VALUES (?, ?, ?, ?, ?)"
                                    + " ON CONFLICT (package, patch) DO UPDATE SET reason = excluded.reason,"
                                    + " advisories = excluded.advisories, since = excluded.since",
                            name,
                            p.patch(),
                            p.reason(),
                            String.join("\n", p.advisories()),
                            millisOrNull(p.since()));
                }
            }
        });
    }

    /** The packages that rebuild when {@code name} changes: direct ones first, each group by name. */
    public synchronized List<Records.Dependent> dependents(String name) {
        return query(
                "SELECT dependent, direct FROM package_dependents WHERE package = ? ORDER BY direct DESC, dependent",
                r -> new Records.Dependent(r.getString(1), r.getInt(2) != 0),
                name);
    }

    /** The patches {@code name} carries, by file name. */
    public synchronized List<Records.Patch> patches(String name) {
        return query(
                "SELECT patch, reason, advisories, since FROM package_patches WHERE package = ? ORDER BY patch",
                r -> new Records.Patch(r.getString(1), r.getString(2), lines(r.getString(3)), instantOrNull(r, 4)),
                name);
    }

    /** The builds of a package, newest first. */
    public synchronized List<Build> packageBuilds(String packageName, int limit) {
        return query(
                "SELECT " + BUILD_COLUMNS + " FROM builds WHERE package = ? ORDER BY id DESC LIMIT ?",
                StateStore::build,
                packageName,
                limit);
    }

    /** The newest upstream check of package {@code name}, or null when it was never checked. */
    public synchronized @Nullable UpstreamCheck latestCheck(String packageName) {
        List<UpstreamCheck> found = query(
                "SELECT id, run_id, recipe, package, current_version, newest_version, monitor, status,"
                        + " message, checked_at FROM upstream_checks WHERE package = ? ORDER BY id DESC LIMIT 1",
                StateStore::check,
                packageName);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The images whose latest publication holds package {@code name}, by name. */
    public synchronized List<String> imagesWithPackage(String name) {
        return query(
                "SELECT DISTINCT p.image FROM image_packages ip JOIN image_publications p ON p.digest = ip.digest"
                        + " JOIN (SELECT image, MAX(id) AS id FROM image_publications GROUP BY image) l ON p.id = l.id"
                        + " WHERE ip.name = ? ORDER BY p.image",
                r -> r.getString(1),
                name);
    }

    /** One run, or null. */
    public synchronized @Nullable Run run(long id) {
        List<Run> found = query(
                "SELECT id, kind, owner, started_at, finished_at, status, summary FROM runs WHERE id = ?",
                StateStore::run,
                id);
        return found.isEmpty() ? null : found.get(0);
    }

    /** One build, or null. */
    public synchronized @Nullable Build build(long id) {
        List<Build> found = query("SELECT " + BUILD_COLUMNS + " FROM builds WHERE id = ?", StateStore::build, id);
        return found.isEmpty() ? null : found.get(0);
    }

    private static final String PUBLICATION_COLUMNS =
            "p.id, p.run_id, p.image, p.reference, p.digest, p.pushed, p.signed, p.published_at, p.compressed_size, p.package_count";
    private static final String BUILD_COLUMNS =
            "id, run_id, recipe, package, recipe_sha256, started_at, duration_ms, result, outputs, log_path, message";

    private static ImagePublication publication(ResultSet r) throws SQLException {
        long size = r.getLong(9);
        long sizeOrUnknown = r.wasNull() ? -1 : size;
        int count = r.getInt(10);
        return new ImagePublication(
                r.getLong(1),
                r.getLong(2),
                r.getString(3),
                r.getString(4),
                r.getString(5),
                r.getInt(6) != 0,
                r.getInt(7) != 0,
                Instant.ofEpochMilli(r.getLong(8)),
                sizeOrUnknown,
                r.wasNull() ? -1 : count);
    }

    private static UpstreamCheck check(ResultSet r) throws SQLException {
        return new UpstreamCheck(
                r.getLong(1),
                r.getLong(2),
                r.getString(3),
                r.getString(4),
                r.getString(5),
                r.getString(6),
                r.getString(7),
                r.getString(8),
                r.getString(9),
                Instant.ofEpochMilli(r.getLong(10)));
    }

    private static Run run(ResultSet r) throws SQLException {
        return new Run(
                r.getLong(1),
                r.getString(2),
                r.getString(3),
                Instant.ofEpochMilli(r.getLong(4)),
                instantOrNull(r, 5),
                RunStatus.valueOf(r.getString(6)),
                r.getString(7));
    }

    private static Build build(ResultSet r) throws SQLException {
        return new Build(
                r.getLong(1),
                r.getLong(2),
                r.getString(3),
                r.getString(4),
                r.getString(5),
                Instant.ofEpochMilli(r.getLong(6)),
                r.getLong(7),
                BuildResult.valueOf(r.getString(8)),
                lines(r.getString(9)),
                r.getString(10),
                r.getString(11));
    }

    private interface Work<T> {
        T run();
    }

    /** A transaction that returns nothing. */
    private void inTransaction(Runnable work) {
        transaction(() -> {
            work.run();
            return Boolean.TRUE;
        });
    }

    private <T> T transaction(Work<T> work) {
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run();
                connection.commit();
                return result;
            } catch (RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failed("commit", e);
        }
    }

    public synchronized long recordCheck(
            long runId,
            String recipe,
            String packageName,
            String current,
            @Nullable String newest,
            @Nullable String monitor,
            String status,
            @Nullable String message) {
        return insert(
                "INSERT INTO upstream_checks (run_id, recipe, package, current_version, newest_version, monitor, status,"
                        + " message, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                runId,
                recipe,
                packageName,
                current,
                newest,
                monitor,
                status,
                message,
                clock.millis());
    }

    /** The newest runs first. */
    public synchronized List<Run> runs(int limit) {
        return query(
                "SELECT id, kind, owner, started_at, finished_at, status, summary FROM runs ORDER BY id DESC LIMIT ?",
                StateStore::run,
                limit);
    }

    public synchronized List<Build> builds(long runId) {
        return query("SELECT " + BUILD_COLUMNS + " FROM builds WHERE run_id = ? ORDER BY id", StateStore::build, runId);
    }

    public synchronized List<ImagePublication> images(long runId) {
        return query(
                "SELECT " + PUBLICATION_COLUMNS + " FROM image_publications p WHERE p.run_id = ? ORDER BY p.id",
                StateStore::publication,
                runId);
    }

    public synchronized List<UpstreamCheck> checks(long runId) {
        return query(
                "SELECT id, run_id, recipe, package, current_version, newest_version, monitor, status, message, checked_at"
                        + " FROM upstream_checks WHERE run_id = ? ORDER BY id",
                StateStore::check,
                runId);
    }

    /** The schema version the database is at. */
    public synchronized int schemaVersion() {
        try {
            return Migrations.currentVersion(connection);
        } catch (SQLException e) {
            throw failed("read the schema version", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw failed("close", e);
        }
    }

    private void markInterrupted(String host, LongPredicate alive) throws SQLException {
        List<long[]> stale = new ArrayList<>();
        try (PreparedStatement p = connection.prepareStatement("SELECT id, owner FROM runs WHERE status = ?")) {
            p.setString(1, RunStatus.RUNNING.name());
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    String runOwner = r.getString(2);
                    int colon = runOwner.lastIndexOf(':');
                    // another host's runs are its own to judge: a shared database outlives no single machine
                    if (colon > 0 && runOwner.substring(0, colon).equals(host)) {
                        long pid = Long.parseLong(runOwner.substring(colon + 1));
                        if (!alive.test(pid)) {
                            stale.add(new long[] {r.getLong(1)});
                        }
                    }
                }
            }
        }
        for (long[] id : stale) {
            update(
                    "UPDATE runs SET status = ?, finished_at = ?, summary = ? WHERE id = ? AND status = ?",
                    RunStatus.INTERRUPTED.name(),
                    clock.millis(),
                    "the process running it stopped before it finished",
                    id[0],
                    RunStatus.RUNNING.name());
        }
    }

    private interface Row<T> {
        T map(ResultSet r) throws SQLException;
    }

    private <T> List<T> query(String sql, Row<T> row, @Nullable Object... args) {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            bind(p, args);
            List<T> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(row.map(r));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failed("read (" + sql + ")", e);
        }
    }

    private long insert(String sql, @Nullable Object... args) {
        try (PreparedStatement p = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            bind(p, args);
            p.executeUpdate();
            try (ResultSet keys = p.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no generated key returned");
                }
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw failed("write (" + sql.split(" ")[2] + ")", e);
        }
    }

    private void update(String sql, @Nullable Object... args) {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            bind(p, args);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failed("update (" + sql.split(" ")[1] + ")", e);
        }
    }

    /** A null that PostgreSQL accepts in a BIGINT column (an untyped null binds as text). */
    private enum NullBigint {
        VALUE
    }

    private static Object millisOrNull(@Nullable Instant t) {
        return t == null ? NullBigint.VALUE : (Object) t.toEpochMilli();
    }

    private static void bind(PreparedStatement p, @Nullable Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == NullBigint.VALUE) {
                p.setNull(i + 1, java.sql.Types.BIGINT);
            } else if (a == null) {
                p.setNull(i + 1, java.sql.Types.VARCHAR);
            } else if (a instanceof Long l) {
                p.setLong(i + 1, l);
            } else if (a instanceof Integer n) {
                p.setInt(i + 1, n);
            } else {
                p.setString(i + 1, a.toString());
            }
        }
    }

    private StateException failed(String what, SQLException e) {
        return new StateException("state database " + where + ": cannot " + what + ": " + e.getMessage(), e);
    }

    private static @Nullable Instant instantOrNull(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static List<String> lines(@Nullable String s) {
        return s == null || s.isEmpty() ? List.of() : Arrays.asList(s.split("\n"));
    }
}
