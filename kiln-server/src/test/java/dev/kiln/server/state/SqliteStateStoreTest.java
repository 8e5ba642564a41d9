package dev.kiln.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state store on SQLite, the embedded default. */
class SqliteStateStoreTest extends StateStoreContract {
    @TempDir
    Path dir;

    private int databases;

    @Override
    String freshDatabase() {
        return "jdbc:sqlite:" + dir.resolve("kiln-" + databases++ + ".db");
    }

    @Test
    void messagesNeverShowCredentials() {
        assertThat(StateStore.redacted("jdbc:postgresql://kiln:s3cret@db.example:5432/kiln?password=s3cret"))
                .isEqualTo("jdbc:postgresql://db.example:5432/kiln");
    }
}
