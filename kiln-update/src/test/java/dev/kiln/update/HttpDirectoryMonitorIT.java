package dev.kiln.update;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.recipe.Recipe;
import dev.kiln.recipe.RecipeLoader;
import dev.kiln.testkit.FixtureHttpServer;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A GNU-style release directory served from 127.0.0.1, followed through the recipe's fetch URI. */
class HttpDirectoryMonitorIT {

    @Test
    void followsTheFetchUriThroughItsDirectoryListing() throws Exception {
        try (FixtureHttpServer upstream = new FixtureHttpServer()) {
            upstream.put("/gnu/hello/", """
                    <html><body><h1>Index of /gnu/hello</h1>
                    <a href="hello-2.9.tar.gz">hello-2.9.tar.gz</a>
                    <a href="hello-2.10.tar.gz">hello-2.10.tar.gz</a>
                    <a href="hello-2.10.tar.gz.sig">hello-2.10.tar.gz.sig</a>
                    <a href="/gnu/hello/hello-2.12.1.tar.gz">hello-2.12.1.tar.gz</a>
                    <a href="hello-2.13_rc1.tar.gz">hello-2.13_rc1.tar.gz</a>
                    <a href="hello-latest.tar.gz">hello-latest.tar.gz</a>
                    <a href="hello-2.12.1.tar.xz">hello-2.12.1.tar.xz</a>
                    </body></html>
                    """.getBytes(StandardCharsets.UTF_8));
            Recipe recipe =
                    new RecipeLoader(List.of()).parse("hello.yaml", """
                    package:
                      name: hello
                      version: "2.10"
                      epoch: 0
                    pipeline:
                      - uses: fetch
                        with:
                          uri: %s/gnu/hello/hello-${{package.version}}.tar.gz
                          expected-sha256: %s
                    update:
                      enabled: true
                    """.formatted(upstream.url(""), "0".repeat(64)));

            MonitorConfigs.Resolution resolution = MonitorConfigs.of(recipe);
            assertThat(resolution.unsupported()).isNull();
            assertThat(resolution.config().kind()).isEqualTo(MonitorConfig.Kind.HTTP_DIRECTORY);
            assertThat(resolution.config().target()).endsWith("/gnu/hello/hello-{version}.tar.gz");

            List<Duration> waits = new ArrayList<>();
            UpdateChecker checker = new UpdateChecker(List.of(new HttpDirectoryMonitor(
                    HttpClient.newHttpClient(), new Backoff(2, Duration.ofMillis(1), waits::add))));
            CheckResult result = checker.check(List.of(recipe)).get(0);
            assertThat(result.status()).isEqualTo(CheckResult.Status.UPDATE);
            assertThat(result.newest().version()).isEqualTo("2.12.1");
        }
    }

    @Test
    void aListingWithoutMatchingFilesIsReportedForThePackage() throws Exception {
        try (FixtureHttpServer upstream = new FixtureHttpServer()) {
            upstream.put("/pub/", "<a href=\"other-1.0.tar.gz\">x</a>".getBytes(StandardCharsets.UTF_8));
            MonitorConfig config = new MonitorConfig(
                    "foo",
                    MonitorConfig.Kind.HTTP_DIRECTORY,
                    upstream.url("/pub/foo-{version}.tar.gz"),
                    false,
                    null,
                    null,
                    null,
                    null,
                    null,
                    List.of(),
                    List.of(),
                    false,
                    null);
            UpstreamMonitor.Listing listing = new HttpDirectoryMonitor(HttpClient.newHttpClient(), Backoff.DEFAULT)
                    .list(List.of(config))
                    .get(0);
            assertThat(listing.error()).contains("/pub/").contains("foo-{version}.tar.gz");
            assertThat(Map.of("tags", listing.tags())).containsEntry("tags", List.of());
        }
    }
}
