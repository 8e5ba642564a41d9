package dev.kiln.attest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.attest.internal.Json;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A SLSA provenance v1 predicate (supply-chain.md §5). Parameters are JDK value trees (Map, List,
 * String, Number, Boolean); maps are written with sorted keys so the predicate is a function of its
 * content, not of insertion order.
 */
public final class SlsaProvenance {
    public static final String PACKAGE_BUILD_TYPE = "https://kiln.dev/buildtypes/package/v1";
    public static final String IMAGE_BUILD_TYPE = "https://kiln.dev/buildtypes/image/v1";
    /** The trust boundary of a build on one host with a bubblewrap sandbox. */
    public static final String LOCAL_BUILDER_ID = "https://kiln.dev/builders/local/v1";

    private final String buildType;
    private final String builderId;
    private final Map<String, Object> externalParameters;
    private final Map<String, Object> internalParameters;
    private final List<ResourceDescriptor> resolvedDependencies;
    private final Map<String, String> builderVersion;
    private final List<ResourceDescriptor> builderDependencies;
    private final @Nullable String invocationId;
    private final @Nullable Instant startedOn;
    private final @Nullable Instant finishedOn;
    private final List<ResourceDescriptor> byproducts;

    private SlsaProvenance(Builder b) {
        if (b.buildType == null || b.builderId == null) {
            throw new AttestException("SLSA provenance needs buildType and builder.id (Build L1)");
        }
        this.buildType = b.buildType;
        this.builderId = b.builderId;
        this.externalParameters = new TreeMap<>(b.externalParameters);
        this.internalParameters = new TreeMap<>(b.internalParameters);
        this.resolvedDependencies = List.copyOf(b.resolvedDependencies);
        this.builderVersion = new TreeMap<>(b.builderVersion);
        this.builderDependencies = List.copyOf(b.builderDependencies);
        this.invocationId = b.invocationId;
        this.startedOn = b.startedOn;
        this.finishedOn = b.finishedOn;
        this.byproducts = List.copyOf(b.byproducts);
    }

    public static Builder builder(String buildType, String builderId) {
        return new Builder().buildType(buildType).builderId(builderId);
    }

    public String buildType() {
        return buildType;
    }

    public List<ResourceDescriptor> resolvedDependencies() {
        return resolvedDependencies;
    }

    /** The predicate's JSON bytes. */
    public byte[] toJson() {
        ObjectNode p = Json.object();
        ObjectNode def = p.putObject("buildDefinition");
        def.put("buildType", buildType);
        def.set("externalParameters", Json.tree(sorted(externalParameters)));
        if (!internalParameters.isEmpty()) {
            def.set("internalParameters", Json.tree(sorted(internalParameters)));
        }
        ArrayNode deps = def.putArray("resolvedDependencies");
        resolvedDependencies.forEach(d -> deps.add(d.toNode()));
        ObjectNode run = p.putObject("runDetails");
        ObjectNode builder = run.putObject("builder");
        builder.put("id", builderId);
        if (!builderDependencies.isEmpty()) {
            ArrayNode bd = builder.putArray("builderDependencies");
            builderDependencies.forEach(d -> bd.add(d.toNode()));
        }
        if (!builderVersion.isEmpty()) {
            ObjectNode v = builder.putObject("version");
            builderVersion.forEach(v::put);
        }
        ObjectNode meta = run.putObject("metadata");
        if (invocationId != null) {
            meta.put("invocationId", invocationId);
        }
        if (startedOn != null) {
            meta.put("startedOn", timestamp(startedOn));
        }
        if (finishedOn != null) {
            meta.put("finishedOn", timestamp(finishedOn));
        }
        if (!byproducts.isEmpty()) {
            ArrayNode bp = run.putArray("byproducts");
            byproducts.forEach(d -> bp.add(d.toNode()));
        }
        return Json.bytes(p);
    }

    /** This predicate in an in-toto v1 statement about {@code subjects}. */
    public InTotoStatement statement(List<ResourceDescriptor> subjects) {
        return new InTotoStatement(subjects, PredicateTypes.SLSA_PROVENANCE_V1, toJson());
    }

    public Attestation attestation() {
        return new Attestation(PredicateTypes.SLSA_PROVENANCE_V1, toJson());
    }

    /** {@code YYYY-MM-DDThh:mm:ssZ}, whole seconds as the spec writes them. */
    static String timestamp(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    @SuppressWarnings("unchecked")
    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(sorted(v)));
            return out;
        }
        return value;
    }

    public static final class Builder {
        private @Nullable String buildType;
        private @Nullable String builderId;
        private final Map<String, Object> externalParameters = new LinkedHashMap<>();
        private final Map<String, Object> internalParameters = new LinkedHashMap<>();
        private final List<ResourceDescriptor> resolvedDependencies = new ArrayList<>();
        private final Map<String, String> builderVersion = new LinkedHashMap<>();
        private final List<ResourceDescriptor> builderDependencies = new ArrayList<>();
        private @Nullable String invocationId;
        private @Nullable Instant startedOn;
        private @Nullable Instant finishedOn;
        private final List<ResourceDescriptor> byproducts = new ArrayList<>();

        private Builder() {}

        public Builder buildType(String uri) {
            this.buildType = uri;
            return this;
        }

        public Builder builderId(String uri) {
            this.builderId = uri;
            return this;
        }

        public Builder externalParameter(String name, Object value) {
            externalParameters.put(name, value);
            return this;
        }

        public Builder internalParameter(String name, Object value) {
            internalParameters.put(name, value);
            return this;
        }

        public Builder resolvedDependency(ResourceDescriptor d) {
            resolvedDependencies.add(d);
            return this;
        }

        public Builder resolvedDependencies(List<ResourceDescriptor> ds) {
            resolvedDependencies.addAll(ds);
            return this;
        }

        public Builder builderVersion(String tool, String version) {
            builderVersion.put(tool, version);
            return this;
        }

        public Builder builderDependency(ResourceDescriptor d) {
            builderDependencies.add(d);
            return this;
        }

        public Builder invocationId(String id) {
            this.invocationId = id;
            return this;
        }

        public Builder startedOn(Instant t) {
            this.startedOn = t;
            return this;
        }

        public Builder finishedOn(Instant t) {
            this.finishedOn = t;
            return this;
        }

        public Builder byproduct(ResourceDescriptor d) {
            byproducts.add(d);
            return this;
        }

        public SlsaProvenance build() {
            return new SlsaProvenance(this);
        }
    }
}
