package dev.kiln.server;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** The forms {@code --database} accepts, turned into the JDBC URL the state store opens. */
final class DatabaseUrl {
    private DatabaseUrl() {}

    static String jdbc(@Nullable String given, Path stateDir) {
        if (given == null || given.isBlank()) {
            return "jdbc:sqlite:" + stateDir.resolve("kiln.db").toAbsolutePath();
        }
        if (given.startsWith("jdbc:sqlite:") || given.startsWith("jdbc:postgresql:")) {
            return given;
        }
        if (given.startsWith("sqlite:")) {
            return "jdbc:sqlite:" + Path.of(given.substring("sqlite:".length())).toAbsolutePath();
        }
        if (given.startsWith("postgresql://") || given.startsWith("postgres://")) {
            return postgres(given.substring(given.indexOf("://") + 3));
        }
        throw new SettingsException("--database '" + given
                + "': expected postgresql://[user[:password]@]host[:port]/database, sqlite:FILE or a jdbc: URL");
    }

    /** libpq's URL form; the JDBC driver wants the user and password as parameters, not before the host. */
    private static String postgres(String rest) {
        int at = rest.lastIndexOf('@', rest.indexOf('/') < 0 ? rest.length() : rest.indexOf('/'));
        if (at < 0) {
            return "jdbc:postgresql://" + rest;
        }
        String userInfo = rest.substring(0, at);
        String hostAndDb = rest.substring(at + 1);
        int colon = userInfo.indexOf(':');
        String params = "user=" + (colon < 0 ? userInfo : userInfo.substring(0, colon))
                + (colon < 0 ? "" : "&password=" + userInfo.substring(colon + 1));
        return "jdbc:postgresql://" + hostAndDb + (hostAndDb.contains("?") ? "&" : "?") + params;
    }
}
