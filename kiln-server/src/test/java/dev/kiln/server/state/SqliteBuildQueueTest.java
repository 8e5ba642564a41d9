package dev.kiln.server.state;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The build queue on SQLite, the embedded default (one machine, one writer at a time). */
class SqliteBuildQueueTest extends BuildQueueContract {
    @TempDir
    Path dir;

    private int databases;

    @Override
    String freshDatabase() {
        return "jdbc:sqlite:" + dir.resolve("queue-" + databases++ + ".db");
    }
}
