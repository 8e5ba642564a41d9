package dev.kiln.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.server.RecentEvents;
import dev.kiln.server.state.Records;
import dev.kiln.server.state.StateStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog page shows 100 images at a time, with links between pages; the API gives them all. */
class CatalogPagingIT {
    private static final Pattern ROW = Pattern.compile("<tr><td><a href=\"/images/");

    @Test
    void pagesOfAHundred(@TempDir Path dir) throws Exception {
        try (StateStore state = StateStore.open("jdbc:sqlite:" + dir.resolve("kiln.db"), Clock.systemUTC())) {
            long run = state.startRun("up");
            for (int i = 0; i < 250; i++) {
                state.recordImage(
                        run,
                        String.format("img-%03d", i),
                        "127.0.0.1:5000/kiln/img-" + i + ":latest",
                        String.format("sha256:%064x", i),
                        true,
                        false,
                        new Records.ImageContents(1000 + i, List.of(), List.of()));
            }
            try (CatalogServer web = new CatalogServer(
                            state, new RecentEvents(1), dir.resolve("logs"), Clock.systemUTC())
                    .start("127.0.0.1", 0)) {
                HttpClient http = HttpClient.newHttpClient();
                String first = get(http, web, "").body();
                assertThat(rows(first)).isEqualTo(100);
                assertThat(first)
                        .contains("page 1 of 3 (250 images)")
                        .contains("img-000")
                        .doesNotContain("img-100")
                        .contains("<a rel=\"next\" href=\"/?q=&amp;sort=name&amp;page=2\">next</a>");
                String last = get(http, web, "?page=3").body();
                assertThat(rows(last)).isEqualTo(50);
                assertThat(last).contains("img-249").contains("rel=\"prev\"").doesNotContain("rel=\"next\"");
                assertThat(rows(get(http, web, "?page=4").body())).isZero();
                HttpResponse<String> bad = get(http, web, "?page=0");
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(bad.body()).contains("page must be a whole number from 1, got '0'");
                assertThat(get(http, web, "api/images").body().split("\"image\":", -1))
                        .hasSize(251);
            }
        }
    }

    private static int rows(String html) {
        Matcher m = ROW.matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static HttpResponse<String> get(HttpClient http, CatalogServer web, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(web.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
