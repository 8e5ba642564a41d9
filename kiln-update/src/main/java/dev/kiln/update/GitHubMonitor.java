package dev.kiln.update;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.update.internal.JsonHttp;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GitHub releases (default) or tags ({@code use-tag: true}) through the GraphQL API, ten
 * repositories per request (larger batches made GitHub's gateway time out). Releases mode reads
 * the 20 newest releases and drops drafts and, unless the recipe enables them, pre-releases;
 * tags mode reads refs under {@code refs/tags/} newest commit first.
 */
public final class GitHubMonitor implements UpstreamMonitor {
    static final int BATCH = 10;
    private final JsonHttp json;
    private final String graphqlUrl;
    private final Map<String, String> headers;

    /**
     * @param baseUrl API root, {@code https://api.github.com} in production
     * @param env     the environment; {@code GITHUB_TOKEN} authenticates when present
     */
    public GitHubMonitor(HttpClient http, String baseUrl, Map<String, String> env, Backoff backoff) {
        this.json = new JsonHttp(http, backoff);
        this.graphqlUrl = baseUrl.replaceAll("/+$", "") + "/graphql";
        String token = env.get("GITHUB_TOKEN");
        this.headers = token == null || token.isBlank() ? Map.of() : Map.of("Authorization", "bearer " + token.strip());
    }

    @Override
    public MonitorConfig.Kind kind() {
        return MonitorConfig.Kind.GITHUB;
    }

    @Override
    public List<Listing> list(List<MonitorConfig> configs) {
        List<List<MonitorConfig>> batches = new ArrayList<>();
        for (int i = 0; i < configs.size(); i += BATCH) {
            batches.add(configs.subList(i, Math.min(configs.size(), i + BATCH)));
        }
        // GitHub asks API clients not to send concurrent requests: its batches go one after another
        List<Listing> out = new ArrayList<>();
        batches.forEach(b -> out.addAll(batch(b)));
        return out;
    }

    private List<Listing> batch(List<MonitorConfig> configs) {
        StringBuilder q = new StringBuilder("query {");
        for (int i = 0; i < configs.size(); i++) {
            MonitorConfig c = configs.get(i);
            String[] repo = c.target().split("/", 2);
            q.append(" r")
                    .append(i)
                    .append(": repository(owner: \"")
                    .append(repo[0])
                    .append("\", name: \"")
                    .append(repo[1])
                    .append("\") {");
            q.append(
                    c.useTag()
                            ? " refs(refPrefix: \"refs/tags/\", first: 100, orderBy: {field: TAG_COMMIT_DATE, direction: DESC})"
                                    + " { nodes { name target { oid ... on Tag { target { oid } } } } }"
                            : " releases(first: 20, orderBy: {field: CREATED_AT, direction: DESC})"
                                    + " { nodes { tagName isDraft isPrerelease } }");
            q.append(" }");
        }
        q.append(" }");
        JsonNode response;
        try {
            response = json.post(graphqlUrl, headers, Map.of("query", q.toString()));
        } catch (UpdateException e) {
            return configs.stream().map(c -> Listing.failed(c, e.getMessage())).toList();
        }
        Map<String, String> errors = new LinkedHashMap<>();
        for (JsonNode err : response.path("errors")) {
            errors.put(err.path("path").path(0).asText(), err.path("message").asText());
        }
        List<Listing> out = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            MonitorConfig c = configs.get(i);
            JsonNode repo = response.path("data").path("r" + i);
            if (repo.isMissingNode() || repo.isNull()) {
                out.add(Listing.failed(
                        c, "github " + c.target() + ": " + errors.getOrDefault("r" + i, "no such repository")));
                continue;
            }
            List<UpstreamTag> tags = new ArrayList<>();
            if (c.useTag()) {
                for (JsonNode n : repo.path("refs").path("nodes")) {
                    JsonNode target = n.path("target");
                    String commit = target.path("target")
                            .path("oid")
                            .asText(target.path("oid").asText(null));
                    tags.add(new UpstreamTag(n.path("name").asText(), commit));
                }
            } else {
                for (JsonNode n : repo.path("releases").path("nodes")) {
                    boolean pre = n.path("isPrerelease").asBoolean(false);
                    if (!n.path("isDraft").asBoolean(false) && (!pre || c.enablePrerelease())) {
                        tags.add(new UpstreamTag(n.path("tagName").asText(), null));
                    }
                }
            }
            out.add(new Listing(c, tags, null));
        }
        return out;
    }
}
