package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.kiln.server.state.Records;
import dev.kiln.server.state.StateStore;
import dev.kiln.testkit.ToolCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln up --once} on a one-recipe, one-image catalog: build, push, sign, record; then nothing to do. */
class UpCommandIT {

    /** Writes a one-recipe, one-image catalog under {@code dir}; returns the catalog directory. */
    static Path catalog(Path dir) throws Exception {
        return ToolCatalog.write(dir);
    }

    @Test
    void servesTheWebCatalogBesideTheRegistryUntilStopped(@TempDir Path dir) throws Exception {
        Served served = serveUntilTheToolImageIsListed(dir, catalog(dir));
        assertThat(served.images()).as(String.valueOf(served.run())).contains("\"image\":\"tool\"");
        assertThat(served.run().out()).contains("catalog: http://127.0.0.1:" + served.port() + "/");
        assertThat(served.servingAfterTheRun()).isTrue();
    }

    /**
     * A recipe that fails (the catalog's s6, whose tarball cannot be fetched here) made {@code kiln up} exit instead
     * of serving the images the run did publish.
     */
    @Test
    void aFailedRecipeDoesNotStopItServingWhatWasPublished(@TempDir Path dir) throws Exception {
        Path catalog = catalog(dir);
        Files.writeString(
                catalog.resolve("recipes/broken.yaml"),
                ToolCatalog.RECIPE.replace("name: tool", "name: broken").replace("mkdir -p", "exit 3; mkdir -p"));
        Served served = serveUntilTheToolImageIsListed(dir, catalog);
        assertThat(served.images()).as(String.valueOf(served.run())).contains("\"image\":\"tool\"");
        assertThat(served.servingAfterTheRun()).as(String.valueOf(served.run())).isTrue();
        assertThat(served.run().err()).contains("the run failed (above); serving what it published");
        assertThat(served.run().exitCode()).isEqualTo(1);
    }

    /** What the web catalog listed, and whether the command was still running a second after its run finished. */
    record Served(CliRun run, String images, int port, boolean servingAfterTheRun) {}

    /** Runs {@code kiln up} (serving) until the web catalog lists the tool image or 60 s pass, then stops it. */
    private static Served serveUntilTheToolImageIsListed(Path dir, Path catalog) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String[] up = UpFixtures.up(dir, catalog, "--web-addr", "127.0.0.1:" + port, "--no-sign");
        java.util.concurrent.atomic.AtomicReference<CliRun> result =
                new java.util.concurrent.atomic.AtomicReference<>();
        Thread serving = new Thread(() -> result.set(CliRun.of(up)));
        serving.start();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        // the web catalog answers from the start; the image appears once the reconcile has pushed it
        String images = poll(http, port, "/api/images", body -> body.contains("\"image\":\"tool\""), serving);
        // the run is recorded as finished (succeeded or failed) before the command goes on to serve or to exit
        poll(http, port, "/api/runs", body -> body.matches("(?s).*\"status\":\"(SUCCEEDED|FAILED)\".*"), serving);
        Thread.sleep(1000);
        boolean servingAfterTheRun = serving.isAlive();
        serving.interrupt();
        serving.join(30_000);
        return new Served(result.get(), images, port, servingAfterTheRun);
    }

    /**
     * GETs {@code path} of the web catalog every 100 ms until {@code done} holds for the body, the command has
     * stopped, or 60 s pass; returns the last body (empty when nothing answered).
     */
    private static String poll(
            java.net.http.HttpClient http,
            int port,
            String path,
            java.util.function.Predicate<String> done,
            Thread serving)
            throws InterruptedException {
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + port + path);
        String body = "";
        for (int i = 0; i < 600 && !done.test(body) && serving.isAlive(); i++) {
            try {
                body = http.send(
                                java.net.http.HttpRequest.newBuilder(uri).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body();
            } catch (java.io.IOException notYet) {
                // not listening yet, or gone
            }
            Thread.sleep(100);
        }
        return body;
    }

    @Test
    void buildsPushesSignsAndIsIdempotent(@TempDir Path dir) throws Exception {
        Path catalog = catalog(dir);
        String[] up = UpFixtures.once(dir, catalog, "--json");

        CliRun first = CliRun.of(up);
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(first.out())
                .contains("\"event\":\"summary\",\"recipes\":1,\"built\":1,\"images\":1,\"pushed\":1")
                .contains("\"signed\":true");
        assertThat(dir.resolve("packages/x86_64/tool-1.0.0-r0.apk")).exists();
        assertThat(dir.resolve(".kiln/keys/image.pub")).exists();

        CliRun second = CliRun.of(up);
        assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
        assertThat(second.out())
                .contains("\"event\":\"summary\",\"recipes\":1,\"built\":0,\"images\":1,\"pushed\":0")
                .contains("\"signed\":false");

        // both runs are on record: the first built and pushed, the second did nothing
        try (StateStore state = StateStore.open("jdbc:sqlite:" + dir.resolve(".kiln/kiln.db"), Clock.systemUTC())) {
            List<Records.Run> runs = state.runs(10);
            assertThat(runs)
                    .extracting(Records.Run::kind, Records.Run::status)
                    .containsExactly(
                            tuple("up", Records.RunStatus.SUCCEEDED), tuple("up", Records.RunStatus.SUCCEEDED));
            assertThat(state.builds(runs.get(1).id()))
                    .extracting(Records.Build::outputs)
                    .containsExactly(List.of("tool-1.0.0-r0"));
            assertThat(state.images(runs.get(1).id()))
                    .singleElement()
                    .satisfies(i -> assertThat(i.pushed() && i.signed()).isTrue());
            assertThat(state.builds(runs.get(0).id())).isEmpty();
            assertThat(state.images(runs.get(0).id()))
                    .singleElement()
                    .satisfies(i -> assertThat(i.pushed() || i.signed()).isFalse());
        }
    }
}
