package dev.kiln.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.apk.ApkIndex;
import dev.kiln.apk.Dependency;
import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.apk.IndexEntry;
import dev.kiln.apk.Installer;
import dev.kiln.attest.CycloneDxWriter;
import dev.kiln.attest.SbomChecksum;
import dev.kiln.attest.SbomComponent;
import dev.kiln.attest.SbomDependency;
import dev.kiln.attest.SbomDocument;
import dev.kiln.attest.SbomLicence;
import dev.kiln.attest.SbomRelationship;
import dev.kiln.attest.SpdxLicensing;
import dev.kiln.attest.SpdxWriter;
import dev.kiln.content.Digest;
import dev.kiln.oci.Descriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Image SBOMs composed from the image's file tree (images.md §8): the installed database names the
 * packages; each package's embedded SPDX document ({@code var/lib/db/sbom/NAME-VERSION.spdx.json})
 * contributes its described package and what that package's relationships reach (files excluded);
 * a package without one gets a synthesized entry. The OS comes from {@code /etc/os-release}. Both
 * documents are pure functions of the tree and the subject, so they are reproducible. kiln-attest's
 * {@link SpdxWriter} and {@link CycloneDxWriter} write them from the model filled here.
 */
public final class ImageSbom {
    static final String TOOL = "kiln";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileTree tree;
    private final SbomSubject subject;
    private final List<IndexEntry> packages;
    private final SbomNames names;
    private final Map<String, List<String>> edges;

    public ImageSbom(FileTree tree, SbomSubject subject) {
        this.tree = tree;
        this.subject = subject;
        FileNode db = tree.get(Installer.databasePath(tree))
                .filter(n -> n.kind() == FileNode.Kind.FILE)
                .orElseThrow(() -> new ImageException("image " + subject.name() + " has no installed database"));
        this.packages = ApkIndex.parseText(new String(db.content(), StandardCharsets.UTF_8))
                .entries();
        this.names = new SbomNames(subject, tree);
        this.edges = edges(packages);
    }

    public List<IndexEntry> packages() {
        return packages;
    }

    /** {@code pkg:apk/ID/NAME@VERSION?arch=…&distro=ID-VERSION_ID[&upstream=ORIGIN]}, qualifiers sorted. */
    public String purl(IndexEntry e) {
        return names.apkPurl(e);
    }

    // ---------------- SPDX 2.3 ----------------

    public byte[] spdx() {
        String supplierName = names.supplierName();
        String imageId =
                "SPDXRef-Package-Image-" + subject.manifestDigest().hex().substring(0, 16);
        String osRef = "SPDXRef-OperatingSystem-" + SpdxWriter.elementId(names.osId());
        List<SbomComponent> pkgs = new ArrayList<>();
        List<SbomRelationship> rels = new ArrayList<>();

        SbomComponent image = SbomComponent.of(SbomComponent.Type.CONTAINER, imageId, subject.name())
                .withVersion(subject.manifestDigest().toString())
                .withSupplier(supplierName)
                .withPurl(names.imagePurl());
        pkgs.add(image);
        rels.add(SbomRelationship.describes(imageId));
        List<String> layerIds = new ArrayList<>();
        for (Descriptor descriptor : subject.layers()) {
            Digest layer = descriptor.digest();
            String id = "SPDXRef-Package-ImageLayer-" + layer.hex().substring(0, 16);
            pkgs.add(SbomComponent.of(SbomComponent.Type.CONTAINER, id, layer.toString())
                    .withVersion(layer.toString())
                    .withSupplier(supplierName)
                    .withChecksums(List.of(new SbomChecksum(SbomChecksum.Algorithm.SHA256, layer.hex())))
                    .withPurl(names.ociPurl(layer, descriptor.mediaType())));
            rels.add(new SbomRelationship(imageId, "CONTAINS", id));
            layerIds.add(id);
        }
        pkgs.add(SbomComponent.of(SbomComponent.Type.OPERATING_SYSTEM, osRef, names.osId())
                .withVersion(names.osVersion())
                .withSupplier(supplierName)
                .withPurl(names.osPurl()));
        rels.add(new SbomRelationship(imageId, "CONTAINS", osRef));

        Set<String> ids = new HashSet<>();
        Map<String, String> idByName = new LinkedHashMap<>();
        for (IndexEntry e : packages) {
            idByName.put(e.name(), "SPDXRef-Package-apk-" + SpdxWriter.elementId(e.name() + "-" + e.version()));
        }
        for (IndexEntry e : packages) {
            String id = idOf(idByName, e.name());
            if (!embedded(e, id, pkgs, rels, ids)) {
                pkgs.add(SbomComponent.of(SbomComponent.Type.APPLICATION, id, e.name())
                        .withVersion(e.version())
                        .withSupplier(supplierName)
                        .withLicense(e.license())
                        .withDescription(e.description())
                        .withComment("synthesized by kiln: the package carries no SPDX document")
                        .withPurl(purl(e)));
            }
            ids.add(id);
            rels.add(new SbomRelationship(
                    layerIds.isEmpty() ? imageId : layerIds.get(layerIds.size() - 1), "CONTAINS", id));
        }
        for (Map.Entry<String, List<String>> edge : edges.entrySet()) {
            for (String to : edge.getValue()) {
                // edges() names installed packages only
                rels.add(new SbomRelationship(idOf(idByName, edge.getKey()), "DEPENDS_ON", idOf(idByName, to)));
            }
        }
        String name = "sbom-"
                + (subject.layers().isEmpty()
                        ? subject.manifestDigest().hex()
                        : subject.layers().get(0).digest().hex());
        String namespace = "https://kiln.dev/spdx/image/"
                + subject.manifestDigest().hex() + "/" + subject.platform().apkArch();
        return SpdxWriter.write(SbomDocument.spdx(
                name, namespace, Instant.ofEpochSecond(subject.created()), TOOL, supplierName, image, pkgs, rels));
    }

    /**
     * Adds the package's own SPDX description and what its relationships reach (files and its
     * operating system excluded), renamed under {@code id}; false if it has no usable document. The
     * package itself is named with the image's supplier and Kiln's purl for it.
     */
    private boolean embedded(
            IndexEntry e, String id, List<SbomComponent> out, List<SbomRelationship> rels, Set<String> ids) {
        String dir = "var/lib/db/sbom/";
        String upstream = e.version().replaceAll("-r\\d+$", "");
        FileNode f = tree.get(dir + e.name() + "-" + e.version() + ".spdx.json")
                .or(() -> tree.get(dir + e.name() + "-" + upstream + ".spdx.json"))
                .or(() -> tree.get(dir + e.name() + ".spdx.json"))
                .filter(n -> n.kind() == FileNode.Kind.FILE)
                .orElse(null);
        if (f == null) {
            return false;
        }
        JsonNode doc;
        try {
            doc = JSON.readTree(f.content());
        } catch (IOException ex) {
            return false;
        }
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        doc.path("packages").forEach(p -> byId.put(p.path("SPDXID").asText(), p));
        String described = null;
        for (JsonNode p : doc.path("packages")) {
            if (e.name().equals(p.path("name").asText())
                    && e.version().equals(p.path("versionInfo").asText())) {
                described = p.path("SPDXID").asText();
            }
        }
        if (described == null) {
            return false;
        }
        // the copied licence expressions may name the document's own LicenseRefs (SPDX 2.3 §10)
        List<SbomLicence> licences = new ArrayList<>();
        for (JsonNode info : doc.path("hasExtractedLicensingInfos")) {
            licences.add(new SbomLicence(
                    info.path("licenseId").asText(),
                    info.path("name").asText(),
                    info.path("extractedText").asText()));
        }
        Map<String, String> newIds = new LinkedHashMap<>();
        newIds.put(described, id);
        Deque<String> todo = new ArrayDeque<>(List.of(described));
        List<JsonNode> reached = new ArrayList<>();
        while (!todo.isEmpty()) {
            String from = todo.poll();
            for (JsonNode r : doc.path("relationships")) {
                String to = r.path("relatedSpdxElement").asText();
                if (r.path("spdxElementId").asText().equals(from) && byId.containsKey(to) && !isOs(byId.get(to))) {
                    reached.add(r);
                    if (!newIds.containsKey(to)) {
                        newIds.put(to, id + "-" + to.replaceFirst("^SPDXRef-", ""));
                        todo.add(to);
                    }
                }
            }
        }
        for (Map.Entry<String, String> m : newIds.entrySet()) {
            if (!ids.add(m.getValue())) {
                continue;
            }
            SbomComponent copy = copied(idOf(byId, m.getKey()), m.getValue(), licences);
            if (m.getKey().equals(described)) {
                copy = copy.withSupplier(names.supplierName()).withPurl(purl(e));
            }
            out.add(copy);
        }
        for (JsonNode r : reached) {
            rels.add(new SbomRelationship(
                    idOf(newIds, r.path("spdxElementId").asText()),
                    r.path("relationshipType").asText(),
                    idOf(newIds, r.path("relatedSpdxElement").asText())));
        }
        return true;
    }

    /**
     * A package of an embedded SPDX document as a component of the image's: its facts are kept; a
     * supplier or originator that is not an organisation (a person, NOASSERTION) becomes the image's
     * supplier or is left out, since Kiln's model names organisations.
     */
    private SbomComponent copied(JsonNode p, String id, List<SbomLicence> licences) {
        SbomComponent c = SbomComponent.of(purpose(p), id, p.path("name").asText())
                .withVersion(text(p, "versionInfo"))
                .withSupplier(Objects.requireNonNullElse(organization(text(p, "supplier")), names.supplierName()))
                .withOriginator(organization(text(p, "originator")))
                .withDownloadLocation(text(p, "downloadLocation"))
                .withSpdxLicensing(new SpdxLicensing(text(p, "licenseDeclared"), text(p, "licenseConcluded"), licences))
                .withCopyrightText(text(p, "copyrightText"))
                .withDescription(text(p, "description"))
                .withComment(text(p, "comment"))
                .withSourceInfo(text(p, "sourceInfo"));
        List<SbomChecksum> checksums = new ArrayList<>();
        for (JsonNode h : p.path("checksums")) {
            for (SbomChecksum.Algorithm a : SbomChecksum.Algorithm.values()) {
                if (a.spdxName().equals(h.path("algorithm").asText())) {
                    checksums.add(new SbomChecksum(a, h.path("checksumValue").asText()));
                }
            }
        }
        for (JsonNode ref : p.path("externalRefs")) {
            if ("purl".equals(ref.path("referenceType").asText())) {
                c = c.withPurl(ref.path("referenceLocator").asText());
                break;
            }
        }
        return c.withChecksums(checksums);
    }

    /** The package's purpose; melange once wrote OPERATING-SYSTEM, and one it does not state is OTHER. */
    private static SbomComponent.Type purpose(JsonNode p) {
        String purpose = p.path("primaryPackagePurpose").asText().replace('-', '_');
        for (SbomComponent.Type t : SbomComponent.Type.values()) {
            if (t.spdxName().equals(purpose)) {
                return t;
            }
        }
        return SbomComponent.Type.OTHER;
    }

    private static @Nullable String text(JsonNode p, String field) {
        JsonNode v = p.path(field);
        return v.isTextual() ? v.asText() : null;
    }

    /** The name in an SPDX {@code Organization: NAME} field; null for another kind of value or none. */
    private static @Nullable String organization(@Nullable String field) {
        String prefix = "Organization: ";
        return field != null && field.startsWith(prefix) ? field.substring(prefix.length()) : null;
    }

    private static boolean isOs(JsonNode p) {
        return purpose(p) == SbomComponent.Type.OPERATING_SYSTEM;
    }

    // ---------------- CycloneDX 1.6 ----------------

    public byte[] cyclonedx() {
        String supplierName = names.supplierName();
        String imageRef = names.imagePurl();
        SbomComponent image = SbomComponent.of(SbomComponent.Type.CONTAINER, imageRef, subject.name())
                .withSupplier(supplierName)
                .withVersion(subject.manifestDigest().toString())
                .withPurl(imageRef);
        String osRef = "os:" + names.osId();
        List<SbomComponent> components = new ArrayList<>();
        components.add(SbomComponent.of(SbomComponent.Type.OPERATING_SYSTEM, osRef, names.osId())
                .withSupplier(supplierName)
                .withVersion(names.osVersion())
                .withPurl(names.osPurl()));
        Map<String, String> refByName = new LinkedHashMap<>();
        for (IndexEntry e : packages) {
            String ref = purl(e);
            refByName.put(e.name(), ref);
            components.add(SbomComponent.of(SbomComponent.Type.LIBRARY, ref, e.name())
                    .withSupplier(supplierName)
                    .withVersion(e.version())
                    .withDescription(e.description().isEmpty() ? null : e.description())
                    .withLicense(e.license().isBlank() ? null : e.license())
                    .withPurl(ref));
        }
        List<String> top = new ArrayList<>();
        top.add(osRef);
        top.addAll(refByName.values());
        List<SbomDependency> dependencies = new ArrayList<>();
        dependencies.add(new SbomDependency(imageRef, top));
        dependencies.add(new SbomDependency(osRef, List.of()));
        for (Map.Entry<String, String> e : refByName.entrySet()) {
            dependencies.add(new SbomDependency(
                    e.getValue(),
                    edges.getOrDefault(e.getKey(), List.of()).stream()
                            .map(refByName::get)
                            .toList()));
        }
        UUID serial =
                UUID.nameUUIDFromBytes((subject.manifestDigest() + "/cyclonedx").getBytes(StandardCharsets.UTF_8));
        return CycloneDxWriter.write(SbomDocument.cycloneDx(
                serial, Instant.ofEpochSecond(subject.created()), TOOL, supplierName, image, components, dependencies));
    }

    /**
     * Package name → names of the installed packages that satisfy its dependencies, in order: for each
     * dependency, the first package in installed order that has its name or provides it, other than
     * the package itself and those already listed.
     */
    private static Map<String, List<String>> edges(List<IndexEntry> packages) {
        Map<String, Set<String>> providers = new HashMap<>();
        for (IndexEntry p : packages) {
            providers.computeIfAbsent(p.name(), k -> new LinkedHashSet<>()).add(p.name());
            for (String x : p.provides()) {
                providers
                        .computeIfAbsent(Dependency.parse(x).name(), k -> new LinkedHashSet<>())
                        .add(p.name());
            }
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (IndexEntry e : packages) {
            List<String> to = new ArrayList<>();
            for (String atom : e.depends()) {
                Dependency d = Dependency.parse(atom);
                if (d.isConflict()) {
                    continue;
                }
                providers.getOrDefault(d.name(), Set.of()).stream()
                        .filter(p -> !p.equals(e.name()) && !to.contains(p))
                        .findFirst()
                        .ifPresent(to::add);
            }
            out.put(e.name(), to);
        }
        return out;
    }

    /** The value that {@code key} is known to have in {@code ids}. */
    private static <T> T idOf(Map<String, T> ids, String key) {
        return Objects.requireNonNull(ids.get(key), () -> "SBOM element " + key + " has no id");
    }
}
