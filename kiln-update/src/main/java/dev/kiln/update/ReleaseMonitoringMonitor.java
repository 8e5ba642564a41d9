package dev.kiln.update;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.content.Parallel;
import dev.kiln.update.internal.JsonHttp;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** release-monitoring.org: {@code GET /api/v2/versions/?project_id=ID}, reading {@code stable_versions}. */
public final class ReleaseMonitoringMonitor implements UpstreamMonitor {
    private final JsonHttp json;
    private final String baseUrl;

    /** @param baseUrl {@code https://release-monitoring.org} in production */
    public ReleaseMonitoringMonitor(HttpClient http, String baseUrl, Backoff backoff) {
        this.json = new JsonHttp(http, backoff);
        this.baseUrl = baseUrl.replaceAll("/+$", "");
    }

    @Override
    public MonitorConfig.Kind kind() {
        return MonitorConfig.Kind.RELEASE_MONITOR;
    }

    @Override
    public List<Listing> list(List<MonitorConfig> configs) {
        return Parallel.map(configs, Parallel.IN_FLIGHT, c -> {
            try {
                JsonNode body = json.get(baseUrl + "/api/v2/versions/?project_id=" + c.target(), Map.of());
                List<UpstreamTag> tags = new ArrayList<>();
                body.path("stable_versions").forEach(v -> tags.add(new UpstreamTag(v.asText(), null)));
                return tags.isEmpty()
                        ? Listing.failed(c, "release-monitoring project " + c.target() + " has no stable versions")
                        : new Listing(c, tags, null);
            } catch (UpdateException e) {
                return Listing.failed(c, e.getMessage());
            }
        });
    }
}
