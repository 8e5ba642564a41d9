package dev.kiln.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.server.Settings;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The same suite against a real PostgreSQL started from Debian's {@code postgresql} package. */
class PostgresStateStoreIT extends StateStoreContract {
    static PostgresServer server;
    private static int databases;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.startInstalled();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theDatabaseSettingInLibpqFormReachesTheServer() {
        // what --database postgresql://kiln@127.0.0.1:PORT/postgres becomes, opened as kiln up opens it
        String url =
                Settings.builder().database(server.libpqUrl()).build(Map.of()).database();
        try (StateStore store = StateStore.open(url, CLOCK)) {
            long run = store.startRun("up");
            assertThat(store.run(run).owner())
                    .endsWith(":" + ProcessHandle.current().pid());
            assertThat(store.schemaVersion()).isEqualTo(Migrations.FILES.size());
        }
    }

    @Override
    String freshDatabase() throws Exception {
        return server.createDatabase("kiln_" + databases++);
    }
}
