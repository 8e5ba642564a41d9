package dev.kiln.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.content.ContentException;
import dev.kiln.content.Digest;
import dev.kiln.oci.internal.OciJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An OCI image configuration (images.md §5.2). {@code created} is RFC 3339 text or null;
 * {@code diffIds} are the digests of the uncompressed layer tars, base layer first.
 */
public record ImageConfig(
        @Nullable String created,
        @Nullable String author,
        String architecture,
        String os,
        @Nullable String variant,
        Runtime config,
        List<Digest> diffIds,
        List<History> history) {

    /** The {@code config} object: how a container runs. Null lists and strings are omitted from JSON. */
    @SuppressWarnings("JavaLangClash") // the OCI spec's name for this object; callers write ImageConfig.Runtime
    public record Runtime(
            @Nullable String user,
            @Nullable List<String> exposedPorts,
            @Nullable List<String> env,
            @Nullable List<String> entrypoint,
            @Nullable List<String> cmd,
            @Nullable List<String> volumes,
            @Nullable String workingDir,
            @Nullable Map<String, String> labels,
            @Nullable String stopSignal) {
        public Runtime {
            exposedPorts = copy(exposedPorts);
            env = copy(env);
            entrypoint = copy(entrypoint);
            cmd = copy(cmd);
            volumes = volumes == null ? null : List.copyOf(new java.util.TreeSet<>(volumes));
            labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
        }

        public static Runtime empty() {
            return new Runtime(null, null, null, null, null, null, null, null, null);
        }
    }

    /** One history entry; {@code emptyLayer} true means it produced no layer. */
    public record History(
            @Nullable String created,
            @Nullable String author,
            @Nullable String createdBy,
            @Nullable String comment,
            boolean emptyLayer) {}

    public ImageConfig {
        if (architecture == null || os == null) {
            throw new OciException("image config needs architecture and os, got '" + architecture + "' '" + os + "'");
        }
        config = config == null ? Runtime.empty() : config;
        diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
        history = history == null ? List.of() : List.copyOf(history);
    }

    public Platform platform() {
        return new Platform(os, architecture, variant);
    }

    public byte[] toJson() {
        ObjectNode o = OciJson.object();
        if (created != null) {
            o.put("created", created);
        }
        if (author != null) {
            o.put("author", author);
        }
        o.put("architecture", architecture);
        if (variant != null) {
            o.put("variant", variant);
        }
        o.put("os", os);
        ObjectNode c = o.putObject("config");
        if (config.user() != null) {
            c.put("User", config.user());
        }
        putSet(c, "ExposedPorts", config.exposedPorts());
        OciJson.putStrings(c, "Env", config.env());
        OciJson.putStrings(c, "Entrypoint", config.entrypoint());
        OciJson.putStrings(c, "Cmd", config.cmd());
        putSet(c, "Volumes", config.volumes());
        if (config.workingDir() != null) {
            c.put("WorkingDir", config.workingDir());
        }
        OciJson.putMap(c, "Labels", config.labels());
        if (config.stopSignal() != null) {
            c.put("StopSignal", config.stopSignal());
        }
        ObjectNode rootfs = o.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        diffIds.forEach(d -> ids.add(d.toString()));
        if (!history.isEmpty()) {
            ArrayNode h = o.putArray("history");
            for (History e : history) {
                ObjectNode n = h.addObject();
                if (e.created() != null) {
                    n.put("created", e.created());
                }
                if (e.author() != null) {
                    n.put("author", e.author());
                }
                if (e.createdBy() != null) {
                    n.put("created_by", e.createdBy());
                }
                if (e.comment() != null) {
                    n.put("comment", e.comment());
                }
                if (e.emptyLayer()) {
                    n.put("empty_layer", true);
                }
            }
        }
        return OciJson.bytes(o);
    }

    public Descriptor descriptor() {
        return Descriptor.of(MediaTypes.OCI_CONFIG, toJson());
    }

    private static void putSet(ObjectNode c, String field, @Nullable List<String> keys) {
        if (keys != null && !keys.isEmpty()) {
            ObjectNode s = c.putObject(field);
            keys.stream().sorted().forEach(k -> s.putObject(k));
        }
    }

    public static ImageConfig parse(byte[] json) {
        ObjectNode o = OciJson.parseObject(json, "image config");
        JsonNode c = o.get("config");
        Runtime runtime = Runtime.empty();
        if (c != null && c.isObject()) {
            runtime = new Runtime(
                    OciJson.optText(c, "User"),
                    OciJson.keys(c, "ExposedPorts"),
                    OciJson.optStrings(c, "Env"),
                    OciJson.optStrings(c, "Entrypoint"),
                    OciJson.optStrings(c, "Cmd"),
                    OciJson.keys(c, "Volumes"),
                    OciJson.optText(c, "WorkingDir"),
                    OciJson.stringMap(c, "Labels"),
                    OciJson.optText(c, "StopSignal"));
        }
        List<Digest> diffIds = new ArrayList<>();
        JsonNode rootfs = o.get("rootfs");
        if (rootfs == null || !rootfs.isObject()) {
            throw new OciException("image config: field 'rootfs' is required");
        }
        List<String> ids = OciJson.optStrings(rootfs, "diff_ids");
        for (String id : ids == null ? List.<String>of() : ids) {
            try {
                diffIds.add(Digest.parse(id));
            } catch (ContentException e) {
                throw new OciException("image config rootfs.diff_ids: " + e.getMessage(), e);
            }
        }
        List<History> history = new ArrayList<>();
        JsonNode h = o.get("history");
        if (h != null && h.isArray()) {
            for (JsonNode n : h) {
                history.add(new History(
                        OciJson.optText(n, "created"),
                        OciJson.optText(n, "author"),
                        OciJson.optText(n, "created_by"),
                        OciJson.optText(n, "comment"),
                        n.has("empty_layer") && n.get("empty_layer").asBoolean()));
            }
        }
        return new ImageConfig(
                OciJson.optText(o, "created"),
                OciJson.optText(o, "author"),
                OciJson.text(o, "architecture", "image config"),
                OciJson.text(o, "os", "image config"),
                OciJson.optText(o, "variant"),
                runtime,
                diffIds,
                history);
    }

    private static @Nullable List<String> copy(@Nullable List<String> l) {
        return l == null ? null : List.copyOf(l);
    }
}
