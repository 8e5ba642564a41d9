package dev.kiln.server.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Opens a connection to Kiln's state database, which the state store and the build queue share: for SQLite
 * its folder, native library and settings, then the schema migrated. One place, so both see the same
 * database the same way.
 */
final class StateConnections {
    /** An open, migrated connection, its dialect, and the URL without credentials for messages. */
    record Opened(Connection connection, Dialect dialect, String where) {}

    private StateConnections() {}

    /** Opens {@code jdbcUrl}; a failure says "cannot open {@code what}WHERE: …" (e.g. "the state database "). */
    static Opened open(String jdbcUrl, Clock clock, String what) {
        String where = StateStore.redacted(jdbcUrl);
        Dialect dialect;
        try {
            dialect = Dialect.of(jdbcUrl);
        } catch (IllegalArgumentException e) {
            throw new StateException("database " + where + ": " + e.getMessage(), e);
        }
        Connection c = null;
        try {
            if (dialect == Dialect.SQLITE) {
                Path dir = Objects.requireNonNull(
                        Path.of(jdbcUrl.substring("jdbc:sqlite:".length()))
                                .toAbsolutePath()
                                .getParent(),
                        "an absolute file path has a parent");
                Files.createDirectories(dir);
                SqliteNativeLibrary.useCopyUnder(dir.resolve("lib"));
            }
            c = DriverManager.getConnection(jdbcUrl);
            if (dialect == Dialect.SQLITE) {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA foreign_keys = ON");
                    s.execute("PRAGMA busy_timeout = 10000");
                    s.execute("PRAGMA journal_mode = WAL");
                    // with WAL, NORMAL never corrupts the file; a power cut may only lose the last commits
                    s.execute("PRAGMA synchronous = NORMAL");
                }
            }
            Migrations.apply(c, dialect, clock.millis());
            return new Opened(c, dialect, where);
        } catch (SQLException | IOException e) {
            closeQuietly(c);
            throw new StateException("cannot open " + what + where + ": " + e.getMessage(), e);
        }
    }

    static void closeQuietly(@Nullable Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the open failure is what the caller needs to see
            }
        }
    }
}
