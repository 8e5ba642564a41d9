package dev.kiln.server.state;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The schema's history: an ordered list of SQL files, each applied once, in its own transaction
 * together with the row that records it in {@code schema_version}, so a crash leaves the database
 * at the previous version and the next start applies the file again from the beginning.
 * A file is never edited once released; a change is a new file at the end of the list.
 */
final class Migrations {
    /** In order; version N is the N-th file. */
    static final List<String> FILES = List.of(
            "V1__runs_builds_images_checks.sql",
            "V2__image_contents.sql",
            "V3__scans_comparisons_package_facts.sql",
            "V4__image_inputs.sql",
            "V5__build_queue.sql");

    private Migrations() {}

    /** Brings the schema to the newest version; returns how many files were applied. */
    static int apply(Connection connection, Dialect dialect, long now) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, file TEXT NOT NULL,"
                    + " applied_at BIGINT NOT NULL)");
        }
        int current = currentVersion(connection);
        if (current > FILES.size()) {
            throw new SQLException("the database is at schema version " + current + " but this Kiln knows only "
                    + FILES.size() + ": it was written by a newer Kiln");
        }
        int applied = 0;
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            for (int version = current + 1; version <= FILES.size(); version++) {
                String file = FILES.get(version - 1);
                try (Statement s = connection.createStatement()) {
                    for (String statement : statements(dialect.expand(read(file)))) {
                        s.execute(statement);
                    }
                }
                try (PreparedStatement p = connection.prepareStatement(
                        "INSERT INTO schema_version (version, file, applied_at) VALUES (?, ?, ?)")) {
                    p.setInt(1, version);
                    p.setString(2, file);
                    p.setLong(3, now);
                    p.executeUpdate();
                }
                connection.commit();
                applied++;
            }
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return applied;
    }

    static int currentVersion(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    /** The file's statements: split at a semicolon that ends a line; whole-line {@code --} comments dropped. */
    static List<String> statements(String sql) {
        StringBuilder cleaned = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.strip().startsWith("--")) {
                cleaned.append(line).append('\n');
            }
        }
        return java.util.Arrays.stream(cleaned.toString().split(";\\s*\n"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static String read(String file) {
        try (InputStream in = Migrations.class.getResourceAsStream("migrations/" + file)) {
            if (in == null) {
                throw new IllegalStateException("migration " + file + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migration " + file, e);
        }
    }
}
