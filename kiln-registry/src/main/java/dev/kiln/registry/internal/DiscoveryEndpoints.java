package dev.kiln.registry.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.content.Digest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.registry.AccessPolicy.Action;
import dev.kiln.registry.RegistryStorage.StoredManifest;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Tag list, catalog and referrers: the spec's content discovery category. */
final class DiscoveryEndpoints {
    private final Services s;

    DiscoveryEndpoints(Services services) {
        this.s = services;
    }

    void tags(Exchange ex, Authenticator.Caller caller, String repository) {
        s.auth().require(ex, caller, repository, Action.PULL);
        if (!s.storage().repositoryExists(repository)) {
            throw new HttpError(404, ErrorCode.NAME_UNKNOWN, "repository " + repository + " is not known", repository);
        }
        List<String> page = page(ex, s.storage().tags(repository), "/v2/" + repository + "/tags/list");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", repository);
        body.put("tags", page);
        ex.sendJson(200, "application/json", body);
    }

    void catalog(Exchange ex, Authenticator.Caller caller) {
        s.auth().requireCatalog(ex, caller);
        List<String> visible = s.storage().repositories().stream()
                .filter(r -> s.auth().allowed(caller, r).contains(Action.PULL))
                .toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("repositories", page(ex, visible, "/v2/_catalog"));
        ex.sendJson(200, "application/json", body);
    }

    /** Applies {@code n} and {@code last} (exclusive) to a sorted list and sets {@code Link} when more remain. */
    private static List<String> page(Exchange ex, List<String> sorted, String path) {
        String last = ex.query("last");
        String nText = ex.query("n");
        List<String> after = last == null
                ? sorted
                : sorted.stream().filter(t -> t.compareTo(last) > 0).toList();
        if (nText == null) {
            return after;
        }
        int n;
        try {
            n = Integer.parseInt(nText);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0) {
            throw new HttpError(400, ErrorCode.UNSUPPORTED, "n must be a non-negative integer", "n=" + nText);
        }
        if (n == 0) {
            return List.of();
        }
        if (after.size() > n) {
            List<String> page = after.subList(0, n);
            ex.header(
                    "Link",
                    "<" + path + "?n=" + n + "&last=" + URLEncoder.encode(page.get(n - 1), StandardCharsets.UTF_8)
                            + ">; rel=\"next\"");
            return page;
        }
        return after;
    }

    void referrers(Exchange ex, Authenticator.Caller caller, String repository, String reference) throws IOException {
        Digest subject = Services.digest(reference, "digest");
        s.auth().require(ex, caller, repository, Action.PULL);
        String artifactType = ex.query("artifactType");
        ObjectNode index = Exchange.JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        Map<Digest, StoredManifest> unique =
                new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        for (StoredManifest m : s.storage().referrers(repository, subject)) {
            unique.put(m.digest(), m);
        }
        for (StoredManifest m : unique.values()) {
            if (artifactType != null && !artifactType.equals(m.artifactType())) {
                continue;
            }
            ObjectNode d = manifests.addObject();
            d.put("mediaType", m.mediaType());
            d.put("digest", m.digest().toString());
            d.put("size", m.body().length);
            if (m.artifactType() != null) {
                d.put("artifactType", m.artifactType());
            }
            if (m.annotationsJson() != null) {
                d.set("annotations", Exchange.JSON.readTree(m.annotationsJson()));
            }
        }
        if (artifactType != null) {
            ex.header("OCI-Filters-Applied", "artifactType");
        }
        ex.send(200, MediaTypes.OCI_INDEX, Exchange.JSON.writeValueAsBytes(index));
    }
}
