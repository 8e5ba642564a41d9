package dev.kiln.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.server.RecentEvents;
import dev.kiln.server.Reconciler;
import dev.kiln.server.Settings;
import dev.kiln.server.state.StateStore;
import dev.kiln.testkit.ToolCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/events/stream} read by a real HTTP client while the real reconciler builds a package in
 * bubblewrap: the reader sees the run's progress as it happens, in the terminal's order, up to the event
 * that says the run finished.
 */
class EventStreamIT {
    @Test
    void aReaderSeesTheReconcilersProgressLiveUntilTheRunFinishes(@TempDir Path dir) throws Exception {
        Path catalog = ToolCatalog.write(dir);
        Settings settings = Settings.builder()
                .stateDir(dir.resolve(".kiln"))
                .repository(dir.resolve("packages"))
                .catalog(catalog)
                .arch("x86_64")
                .unsignedImages(true)
                .build(System.getenv());
        RecentEvents events = new RecentEvents(100);
        HttpClient http = HttpClient.newHttpClient();
        try (StateStore state = StateStore.open(settings.database(), Clock.systemUTC());
                CatalogServer web =
                        new CatalogServer(state, events, settings.logDir(), Clock.systemUTC()).start("127.0.0.1", 0)) {
            HttpResponse<Stream<String>> response = http.send(
                    HttpRequest.newBuilder(URI.create(web.url() + "api/events/stream"))
                            .timeout(Duration.ofSeconds(60))
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            List<String> lines = new ArrayList<>();
            // read on another thread until the run's last event; the reconcile below starts after the
            // stream is open, so every event it sends must arrive through it
            CompletableFuture<List<JsonNode>> received = CompletableFuture.supplyAsync(() -> {
                ObjectMapper json = new ObjectMapper();
                List<JsonNode> data = new ArrayList<>();
                var it = response.body().iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    lines.add(line);
                    if (line.startsWith("data: ")) {
                        try {
                            JsonNode node = json.readTree(line.substring(6));
                            data.add(node);
                            if (node.path("event").asText().equals("finished")) {
                                return data;
                            }
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
                return data;
            });

            Reconciler.Report report = new Reconciler(settings, state, http, Clock.systemUTC(), events)
                    .reconcile(new Reconciler.Request(
                            "update",
                            EnumSet.of(Reconciler.Stage.PACKAGES),
                            List.of(catalog.resolve("recipes/tool.yaml")),
                            List.of(),
                            null));
            assertThat(report.failed()).isFalse();

            List<JsonNode> data = received.get(30, TimeUnit.SECONDS);
            assertThat(lines.get(0)).isEqualTo("retry: 3000");
            assertThat(lines).contains("id: 1");
            assertThat(data)
                    .extracting(n -> n.path("event").asText())
                    .startsWith("keygen")
                    .contains("stage", "step")
                    .endsWith("finished");
            assertThat(data).extracting(n -> n.path("text").asText()).contains("==> building packages");
            assertThat(data.get(data.size() - 1).path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(data.get(data.size() - 1).path("run").asLong()).isEqualTo(report.runId());
            // the same events, in the same order, as the snapshot the activity page renders
            assertThat(data)
                    .extracting(n -> n.path("text").asText())
                    .containsExactlyElementsOf(events.snapshot().stream()
                            .map(dev.kiln.server.ReconcileEvent::text)
                            .toList());
        }
    }

    @Test
    void theActivityPageFollowsTheStreamWithAScriptAndReloadsWithoutOne(@TempDir Path dir) throws Exception {
        Settings settings = Settings.builder()
                .stateDir(dir.resolve(".kiln"))
                .catalog(dir)
                .unsignedImages(true)
                .build(System.getenv());
        try (StateStore state = StateStore.open(settings.database(), Clock.systemUTC());
                CatalogServer web = new CatalogServer(state, new RecentEvents(10), settings.logDir(), Clock.systemUTC())
                        .start("127.0.0.1", 0)) {
            state.startRun("up");
            String page = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(web.url() + "activity"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(page)
                    .contains("<noscript><meta http-equiv=\"refresh\" content=\"5\"></noscript>")
                    .contains("new EventSource('/api/events/stream')")
                    .contains("<pre id=\"progress\">");
        }
    }
}
