package dev.kiln.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.content.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact packages a config resolves to, per architecture, in the shape of apko's
 * {@code apko.lock.json} (images.md §10.1): config name and {@code sha256-BASE64} checksum of its raw
 * bytes, repositories, keyring, and packages with identity checksum and repository URL.
 */
public record ImageLock(
        String configName,
        String configChecksum,
        List<String> keyring,
        List<String> repositories,
        List<Locked> packages) {

    public record Locked(String name, String version, String architecture, String checksum, String url) {}

    public ImageLock {
        keyring = List.copyOf(keyring);
        repositories = List.copyOf(repositories);
        packages = List.copyOf(packages);
    }

    public static String checksumOf(byte[] configBytes) {
        return "sha256-" + Hashing.base64(Hashing.sha256().digest(configBytes));
    }

    /** Reads a lock written by {@link #toJson} or by apko; {@code source} names it in errors. */
    public static ImageLock parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new ImageException("lock " + source + ": not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ImageException("lock " + source + ": expected a JSON object");
        }
        JsonNode contents = root.path("contents");
        List<String> keyring = new ArrayList<>();
        contents.path("keyring")
                .forEach(k -> keyring.add(k.path("url").asText(k.path("name").asText())));
        List<String> repositories = new ArrayList<>();
        contents.path("repositories").forEach(r -> {
            String name = r.path("name").asText(r.path("url").asText());
            if (!repositories.contains(name)) {
                repositories.add(name);
            }
        });
        List<Locked> packages = new ArrayList<>();
        int i = 0;
        for (JsonNode p : contents.path("packages")) {
            String where = "lock " + source + ": contents.packages[" + i++ + "]";
            packages.add(new Locked(
                    required(p, "name", where),
                    required(p, "version", where),
                    required(p, "architecture", where),
                    required(p, "checksum", where),
                    p.path("url").asText("")));
        }
        if (packages.isEmpty()) {
            throw new ImageException("lock " + source + ": contents.packages is empty or missing");
        }
        return new ImageLock(
                root.path("config").path("name").asText(""),
                root.path("config").path("checksum").asText(""),
                keyring,
                repositories,
                packages);
    }

    private static String required(JsonNode p, String field, String where) {
        JsonNode v = p.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new ImageException(where + ": field '" + field + "' must be a non-empty string, got " + v);
        }
        return v.asText();
    }

    public byte[] toJson() {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = m.createObjectNode();
        o.put("version", "v1");
        ObjectNode config = o.putObject("config");
        config.put("name", configName);
        config.put("checksum", configChecksum);
        ObjectNode contents = o.putObject("contents");
        ArrayNode keys = contents.putArray("keyring");
        keyring.forEach(k -> keys.addObject().put("name", k).put("url", k));
        ArrayNode repos = contents.putArray("repositories");
        for (String r : repositories) {
            for (String arch : packages.stream()
                    .map(Locked::architecture)
                    .distinct()
                    .sorted()
                    .toList()) {
                repos.addObject().put("name", r).put("url", r).put("architecture", arch);
            }
        }
        ArrayNode pkgs = contents.putArray("packages");
        for (Locked p : packages) {
            pkgs.addObject()
                    .put("name", p.name())
                    .put("url", p.url())
                    .put("version", p.version())
                    .put("architecture", p.architecture())
                    .put("checksum", p.checksum());
        }
        try {
            return (m.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ImageException("cannot write lock: " + e.getMessage(), e);
        }
    }
}
