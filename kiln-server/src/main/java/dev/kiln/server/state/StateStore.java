package dev.kiln.server.state;

import dev.kiln.server.state.Records.Build;
import dev.kiln.server.state.Records.BuildResult;
import dev.kiln.server.state.Records.ImagePublication;
import dev.kiln.server.state.Records.Run;
import dev.kiln.server.state.Records.RunStatus;
import dev.kiln.server.state.Records.UpstreamCheck;
import java.sql.Connection;
import java.sql.DriverManager;
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
        String where = redacted(jdbcUrl);
        Dialect dialect;
        try {
            dialect = Dialect.of(jdbcUrl);
        } catch (IllegalArgumentException e) {
            throw new StateException("database " + where + ": " + e.getMessage(), e);
        }
        Connection c = null;
        try {
            if (dialect == Dialect.SQLITE) {
                java.nio.file.Path file = java.nio.file.Path.of(jdbcUrl.substring("jdbc:sqlite:".length()));
                if (file.getParent() != null) {
                    java.nio.file.Files.createDirectories(file.getParent());
                }
            }
            c = DriverManager.getConnection(jdbcUrl);
            if (dialect == Dialect.SQLITE) {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA foreign_keys = ON");
                    s.execute("PRAGMA busy_timeout = 10000");
                    s.execute("PRAGMA journal_mode = WAL");
                }
            }
            Migrations.apply(c, dialect, clock.millis());
            StateStore store = new StateStore(c, clock, host + ":" + pid, where);
            store.markInterrupted(host, alive);
            return store;
        } catch (SQLException | java.io.IOException e) {
            closeQuietly(c);
            throw new StateException("cannot open the state database " + where + ": " + e.getMessage(), e);
        }
    }

    /** Opens the database for this process: owner host:pid, where a pid is alive when the OS knows it. */
    public static StateStore open(String jdbcUrl, Clock clock) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return open(jdbcUrl, clock, host, ProcessHandle.current().pid(),
                pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /** The URL without credentials, for messages. */
    static String redacted(String jdbcUrl) {
        String noQuery = jdbcUrl.replaceFirst("\\?.*$", "");
        return noQuery.replaceFirst("//[^/@]*@", "//");
    }

    /** Records a run as RUNNING; returns its id. */
    public synchronized long startRun(String kind) {
        return insert("INSERT INTO runs (kind, owner, started_at, status) VALUES (?, ?, ?, ?)",
                kind, owner, clock.millis(), RunStatus.RUNNING.name());
    }

    public synchronized void finishRun(long runId, RunStatus status, String summary) {
        update("UPDATE runs SET status = ?, finished_at = ?, summary = ? WHERE id = ?",
                status.name(), clock.millis(), summary, runId);
    }

    public synchronized long recordBuild(long runId, String recipe, String recipeSha256, Instant startedAt, long durationMillis,
                                         BuildResult result, List<String> outputs, String logPath, String message) {
        return insert("INSERT INTO builds (run_id, recipe, recipe_sha256, started_at, duration_ms, result, outputs, log_path, message)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", runId, recipe, recipeSha256, startedAt.toEpochMilli(),
                durationMillis, result.name(), String.join("\n", outputs), logPath, message);
    }

    public synchronized long recordImage(long runId, String image, String reference, String digest, boolean pushed,
                                         boolean signed) {
        return insert("INSERT INTO image_publications (run_id, image, reference, digest, pushed, signed, published_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)", runId, image, reference, digest, pushed ? 1 : 0, signed ? 1 : 0,
                clock.millis());
    }

    public synchronized long recordCheck(long runId, String recipe, String packageName, String current, String newest,
                                         String monitor, String status, String message) {
        return insert("INSERT INTO upstream_checks (run_id, recipe, package, current_version, newest_version, monitor, status,"
                        + " message, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", runId, recipe, packageName, current,
                newest, monitor, status, message, clock.millis());
    }

    /** The newest runs first. */
    public synchronized List<Run> runs(int limit) {
        return query("SELECT id, kind, owner, started_at, finished_at, status, summary FROM runs ORDER BY id DESC LIMIT ?",
                r -> new Run(r.getLong(1), r.getString(2), r.getString(3), Instant.ofEpochMilli(r.getLong(4)),
                        instantOrNull(r, 5), RunStatus.valueOf(r.getString(6)), r.getString(7)), limit);
    }

    public synchronized List<Build> builds(long runId) {
        return query("SELECT id, run_id, recipe, recipe_sha256, started_at, duration_ms, result, outputs, log_path, message"
                        + " FROM builds WHERE run_id = ? ORDER BY id",
                r -> new Build(r.getLong(1), r.getLong(2), r.getString(3), r.getString(4), Instant.ofEpochMilli(r.getLong(5)),
                        r.getLong(6), BuildResult.valueOf(r.getString(7)), lines(r.getString(8)), r.getString(9),
                        r.getString(10)), runId);
    }

    public synchronized List<ImagePublication> images(long runId) {
        return query("SELECT id, run_id, image, reference, digest, pushed, signed, published_at FROM image_publications"
                        + " WHERE run_id = ? ORDER BY id",
                r -> new ImagePublication(r.getLong(1), r.getLong(2), r.getString(3), r.getString(4), r.getString(5),
                        r.getInt(6) != 0, r.getInt(7) != 0, Instant.ofEpochMilli(r.getLong(8))), runId);
    }

    public synchronized List<UpstreamCheck> checks(long runId) {
        return query("SELECT id, run_id, recipe, package, current_version, newest_version, monitor, status, message, checked_at"
                        + " FROM upstream_checks WHERE run_id = ? ORDER BY id",
                r -> new UpstreamCheck(r.getLong(1), r.getLong(2), r.getString(3), r.getString(4), r.getString(5),
                        r.getString(6), r.getString(7), r.getString(8), r.getString(9), Instant.ofEpochMilli(r.getLong(10))),
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
            update("UPDATE runs SET status = ?, finished_at = ?, summary = ? WHERE id = ? AND status = ?",
                    RunStatus.INTERRUPTED.name(), clock.millis(), "the process running it stopped before it finished",
                    id[0], RunStatus.RUNNING.name());
        }
    }

    private interface Row<T> {
        T map(ResultSet r) throws SQLException;
    }

    private <T> List<T> query(String sql, Row<T> row, Object... args) {
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
            throw failed("read (" + sql.split(" FROM ")[1].split(" ")[0] + ")", e);
        }
    }

    private long insert(String sql, Object... args) {
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

    private void update(String sql, Object... args) {
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            bind(p, args);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failed("update (" + sql.split(" ")[1] + ")", e);
        }
    }

    private static void bind(PreparedStatement p, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
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

    private static Instant instantOrNull(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static List<String> lines(String s) {
        return s == null || s.isEmpty() ? List.of() : Arrays.asList(s.split("\n"));
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the open failure is what the caller needs to see
            }
        }
    }
}
