package dev.kiln.server.state;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The same suite against a real PostgreSQL started from Debian's {@code postgresql} package. */
class PostgresStateStoreTest extends StateStoreContract {
    static PostgresServer server;
    private static int databases;

    @BeforeAll
    static void startServer() throws Exception {
        Path bin = PostgresServer.binaries();
        Assumptions.assumeTrue(bin != null,
                "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install Debian's postgresql package"
                        + " (.ci/run does) to run the state store suite against PostgreSQL");
        server = PostgresServer.start(bin);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    String freshDatabase() throws Exception {
        return server.createDatabase("kiln_" + (databases++));
    }
}
