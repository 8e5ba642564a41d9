package dev.kiln.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.content.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The exact packages a config resolves to, per architecture, in the shape of apko's
 * {@code apko.lock.json} (images.md §10.1): config name and {@code sha256-BASE64} checksum of its raw
 * bytes, repositories, keyring, and packages with identity checksum and repository URL.
 */
public record ImageLock(String configName, String configChecksum, List<String> keyring, List<String> repositories,
        List<Locked> packages) {

    public record Locked(String name, String version, String architecture, String checksum, String url) {
    }

    public ImageLock {
        keyring = List.copyOf(keyring);
        repositories = List.copyOf(repositories);
        packages = List.copyOf(packages);
    }

    public static String checksumOf(byte[] configBytes) {
        return "sha256-" + Hashing.base64(Hashing.sha256().digest(configBytes));
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
            for (String arch : packages.stream().map(Locked::architecture).distinct().sorted().toList()) {
                repos.addObject().put("name", r).put("url", r).put("architecture", arch);
            }
        }
        ArrayNode pkgs = contents.putArray("packages");
        for (Locked p : packages) {
            pkgs.addObject().put("name", p.name()).put("url", p.url()).put("version", p.version())
                    .put("architecture", p.architecture()).put("checksum", p.checksum());
        }
        try {
            return (m.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ImageException("cannot write lock: " + e.getMessage(), e);
        }
    }
}
