package dev.kiln.vuln.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.apk.ApkVersion;
import dev.kiln.vuln.Advisory;
import dev.kiln.vuln.AdvisoryDocument;
import dev.kiln.vuln.AdvisoryEvent;
import dev.kiln.vuln.EventType;
import dev.kiln.vuln.VulnException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An Alpine-compatible secdb ({@code security.json}): per origin package, the vulnerability ids fixed in each
 * version, with {@code "0"} listing ids that never affected the package (vulnerabilities.md §3).
 */
public record SecDb(
        String apkUrl,
        List<String> archs,
        String repoName,
        String urlPrefix,
        Map<String, Map<String, List<String>>> packages) {

    public static final String NAK = "0";
    public static final String APK_URL = "{{urlprefix}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Newest version first, {@code "0"} last: readers ignore the order, people read it this way. */
    private static final Comparator<String> KEY_ORDER =
            (a, b) -> NAK.equals(a) ? (NAK.equals(b) ? 0 : 1) : NAK.equals(b) ? -1 : ApkVersion.compare(b, a);

    public SecDb {
        archs = List.copyOf(archs);
        Map<String, Map<String, List<String>>> copy = new TreeMap<>();
        packages.forEach((name, fixes) -> {
            Map<String, List<String>> sorted = new TreeMap<>(KEY_ORDER);
            fixes.forEach((v, ids) -> sorted.put(v, List.copyOf(new TreeSet<>(ids))));
            copy.put(name, Collections.unmodifiableMap(sorted));
        });
        packages = Collections.unmodifiableMap(copy);
    }

    /** Publishing options; Wolfi's defaults are {@code https://packages.wolfi.dev}, {@code os}, {@code x86_64}. */
    public record Options(String urlPrefix, String repoName, List<String> archs) {
        public static Options wolfiDefaults() {
            return new Options("https://packages.wolfi.dev", "os", List.of("x86_64"));
        }
    }

    /**
     * Generates the secdb from advisory documents: only each advisory's latest event counts; {@code fixed}
     * files its aliases under the fixed version, a false-positive determination under {@code "0"}.
     */
    public static SecDb generate(Collection<AdvisoryDocument> documents, Options options) {
        Map<String, Map<String, List<String>>> packages = new TreeMap<>();
        for (AdvisoryDocument doc : documents) {
            List<Advisory> sorted = new ArrayList<>(doc.advisories());
            sorted.sort(Comparator.comparing(Advisory::id));
            Map<String, List<String>> fixes = new LinkedHashMap<>();
            for (Advisory a : sorted) {
                AdvisoryEvent latest = a.latest().orElse(null);
                if (latest == null) {
                    continue;
                }
                String key = latest.type() == EventType.FIXED
                        ? latest.fixedVersion()
                        : latest.type() == EventType.FALSE_POSITIVE_DETERMINATION ? NAK : null;
                if (key != null && !a.aliases().isEmpty()) {
                    fixes.computeIfAbsent(key, k -> new ArrayList<>()).addAll(a.aliases());
                }
            }
            if (!fixes.isEmpty()) {
                if (packages.containsKey(doc.packageName())) {
                    throw new VulnException("secdb: two advisory documents for package " + doc.packageName());
                }
                packages.put(doc.packageName(), fixes);
            }
        }
        return new SecDb(APK_URL, options.archs(), options.repoName(), options.urlPrefix(), packages);
    }

    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("apkurl", apkUrl);
        ArrayNode a = root.putArray("archs");
        archs.forEach(a::add);
        root.put("reponame", repoName);
        root.put("urlprefix", urlPrefix);
        ArrayNode pkgs = root.putArray("packages");
        packages.forEach((name, fixes) -> {
            ObjectNode pkg = pkgs.addObject().putObject("pkg");
            pkg.put("name", name);
            ObjectNode sf = pkg.putObject("secfixes");
            fixes.forEach((v, ids) -> {
                ArrayNode list = sf.putArray(v);
                ids.forEach(list::add);
            });
        });
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new VulnException("cannot render secdb: " + e.getMessage(), e);
        }
    }

    /** Reads a secdb; list entries are split on whitespace because old feeds put several ids in one string. */
    public static SecDb parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new VulnException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.path("packages").isArray()) {
            throw new VulnException(source + ": expected a secdb object with a 'packages' list");
        }
        Map<String, Map<String, List<String>>> packages = new TreeMap<>();
        for (JsonNode p : root.get("packages")) {
            JsonNode pkg = p.path("pkg");
            String name = pkg.path("name").asText("");
            if (name.isEmpty()) {
                throw new VulnException(source + ": package entry without pkg.name: " + p);
            }
            Map<String, List<String>> fixes = packages.computeIfAbsent(name, k -> new LinkedHashMap<>());
            for (Map.Entry<String, JsonNode> e : pkg.path("secfixes").properties()) {
                List<String> ids = fixes.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                for (JsonNode id : e.getValue()) {
                    for (String part : id.asText().trim().split("\\s+")) {
                        if (!part.isEmpty()) {
                            ids.add(part);
                        }
                    }
                }
            }
        }
        List<String> archs = new ArrayList<>();
        root.path("archs").forEach(a -> archs.add(a.asText()));
        return new SecDb(
                root.path("apkurl").asText(APK_URL),
                archs,
                root.path("reponame").asText(""),
                root.path("urlprefix").asText(""),
                packages);
    }
}
