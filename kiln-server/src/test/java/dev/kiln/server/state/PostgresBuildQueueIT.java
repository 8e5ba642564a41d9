package dev.kiln.server.state;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The build queue against a real PostgreSQL (claims with FOR NO KEY UPDATE SKIP LOCKED). */
class PostgresBuildQueueIT extends BuildQueueContract {
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

    @Override
    String freshDatabase() throws Exception {
        return server.createDatabase("queue_" + databases++);
    }
}
