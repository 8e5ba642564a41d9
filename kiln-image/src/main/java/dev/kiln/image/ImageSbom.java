package dev.kiln.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.apk.ApkIndex;
import dev.kiln.apk.Dependency;
import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.apk.IndexEntry;
import dev.kiln.apk.Installer;
import dev.kiln.attest.CycloneDxWriter;
import dev.kiln.attest.SbomComponent;
import dev.kiln.attest.SbomDependency;
import dev.kiln.attest.SbomDocument;
import dev.kiln.attest.SpdxLicenseExpression;
import dev.kiln.content.Digest;
import dev.kiln.oci.Descriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
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
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Image SBOMs composed from the image's file tree (images.md §8): the installed database names the
 * packages; each package's embedded SPDX document ({@code var/lib/db/sbom/NAME-VERSION.spdx.json})
 * contributes its described package and what that package's relationships reach (files excluded);
 * a package without one gets a synthesized entry. The OS comes from {@code /etc/os-release}. Both
 * documents are pure functions of the tree and the subject, so they are reproducible. The CycloneDX
 * document is written by kiln-attest's {@link CycloneDxWriter} from the model filled here.
 */
public final class ImageSbom {
    static final String TOOL = "kiln";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A LicenseRef of this document; one after "DocumentRef-…:" belongs to another document. */
    private static final Pattern LICENSE_REF = Pattern.compile("(?<![A-Za-z0-9.:-])LicenseRef-[A-Za-z0-9.-]+");

    private final FileTree tree;
    private final SbomSubject subject;
    private final List<IndexEntry> packages;
    private final SbomNames names;
    private final String supplier;
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
        this.supplier = "Organization: " + names.supplierName();
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
        String imageId =
                "SPDXRef-Package-Image-" + subject.manifestDigest().hex().substring(0, 16);
        String osRef = "SPDXRef-OperatingSystem-" + elementId(names.osId());
        ObjectNode doc = JSON.createObjectNode();
        doc.put("SPDXID", "SPDXRef-DOCUMENT");
        doc.put(
                "name",
                "sbom-"
                        + (subject.layers().isEmpty()
                                ? subject.manifestDigest().hex()
                                : subject.layers().get(0).digest().hex()));
        doc.put("spdxVersion", "SPDX-2.3");
        ObjectNode info = doc.putObject("creationInfo");
        info.put("created", created());
        info.putArray("creators").add("Tool: " + TOOL).add(supplier);
        info.put("licenseListVersion", "3.27");
        doc.put("dataLicense", "CC0-1.0");
        doc.put(
                "documentNamespace",
                "https://kiln.dev/spdx/image/" + subject.manifestDigest().hex() + "/"
                        + subject.platform().apkArch());
        doc.putArray("documentDescribes").add(imageId);
        ArrayNode pkgs = doc.putArray("packages");
        ArrayNode rels = JSON.createArrayNode();

        ObjectNode image = pkgs.addObject();
        image.put("SPDXID", imageId);
        image.put("name", subject.name());
        image.put("versionInfo", subject.manifestDigest().toString());
        basics(image, "CONTAINER");
        purl(image, names.imagePurl());
        rel(rels, "SPDXRef-DOCUMENT", "DESCRIBES", imageId);
        List<String> layerIds = new ArrayList<>();
        for (Descriptor descriptor : subject.layers()) {
            Digest layer = descriptor.digest();
            String id = "SPDXRef-Package-ImageLayer-" + layer.hex().substring(0, 16);
            ObjectNode l = pkgs.addObject();
            l.put("SPDXID", id);
            l.put("name", layer.toString());
            l.put("versionInfo", layer.toString());
            basics(l, "CONTAINER");
            l.putArray("checksums").addObject().put("algorithm", "SHA256").put("checksumValue", layer.hex());
            purl(l, names.ociPurl(layer, descriptor.mediaType()));
            rel(rels, imageId, "CONTAINS", id);
            layerIds.add(id);
        }
        ObjectNode os = pkgs.addObject();
        os.put("SPDXID", osRef);
        os.put("name", names.osId());
        os.put("versionInfo", names.osVersion());
        basics(os, "OPERATING_SYSTEM");
        purl(os, names.osPurl());
        rel(rels, imageId, "CONTAINS", osRef);

        Set<String> ids = new HashSet<>();
        Map<String, ObjectNode> licences = new TreeMap<>();
        Map<String, String> idByName = new LinkedHashMap<>();
        for (IndexEntry e : packages) {
            idByName.put(e.name(), "SPDXRef-Package-apk-" + elementId(e.name() + "-" + e.version()));
        }
        for (IndexEntry e : packages) {
            String id = idOf(idByName, e.name());
            ObjectNode p = embedded(e, id, pkgs, rels, ids, licences);
            if (p == null) {
                p = pkgs.addObject();
                p.put("SPDXID", id);
                p.put("name", e.name());
                p.put("versionInfo", e.version());
                basics(p, "APPLICATION");
                p.put("licenseDeclared", license(e, licences));
                p.put("description", e.description());
                p.put("comment", "synthesized by kiln: the package carries no SPDX document");
            }
            p.put("supplier", supplier);
            p.remove("externalRefs");
            purl(p, purl(e));
            ids.add(id);
            rel(rels, layerIds.isEmpty() ? imageId : layerIds.get(layerIds.size() - 1), "CONTAINS", id);
        }
        for (Map.Entry<String, List<String>> edge : edges.entrySet()) {
            for (String to : edge.getValue()) {
                // edges() names installed packages only
                rel(rels, idOf(idByName, edge.getKey()), "DEPENDS_ON", idOf(idByName, to));
            }
        }
        doc.set("relationships", rels);
        if (!licences.isEmpty()) {
            doc.putArray("hasExtractedLicensingInfos").addAll(licences.values());
        }
        return bytes(doc);
    }

    /** Copies the package's own SPDX description and what it reaches; null if it has no usable document. */
    private @Nullable ObjectNode embedded(
            IndexEntry e, String id, ArrayNode out, ArrayNode rels, Set<String> ids, Map<String, ObjectNode> licences) {
        String dir = "var/lib/db/sbom/";
        String upstream = e.version().replaceAll("-r\\d+$", "");
        FileNode f = tree.get(dir + e.name() + "-" + e.version() + ".spdx.json")
                .or(() -> tree.get(dir + e.name() + "-" + upstream + ".spdx.json"))
                .or(() -> tree.get(dir + e.name() + ".spdx.json"))
                .filter(n -> n.kind() == FileNode.Kind.FILE)
                .orElse(null);
        if (f == null) {
            return null;
        }
        JsonNode doc;
        try {
            doc = JSON.readTree(f.content());
        } catch (IOException ex) {
            return null;
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
            return null;
        }
        // the copied licence expressions may name the document's own LicenseRefs (SPDX 2.3 §10)
        Map<String, String> newRefs = new HashMap<>();
        for (JsonNode info : doc.path("hasExtractedLicensingInfos")) {
            if (info.isObject()
                    && LICENSE_REF.matcher(info.path("licenseId").asText()).matches()) {
                newRefs.put(info.path("licenseId").asText(), defineLicence(licences, (ObjectNode) info));
            }
        }
        Map<String, String> newIds = new LinkedHashMap<>();
        newIds.put(described, id);
        Deque<String> todo = new ArrayDeque<>(List.of(described));
        List<JsonNode> edges = new ArrayList<>();
        while (!todo.isEmpty()) {
            String from = todo.poll();
            for (JsonNode r : doc.path("relationships")) {
                String to = r.path("relatedSpdxElement").asText();
                if (r.path("spdxElementId").asText().equals(from) && byId.containsKey(to) && !isOs(byId.get(to))) {
                    edges.add(r);
                    if (!newIds.containsKey(to)) {
                        newIds.put(to, id + "-" + to.replaceFirst("^SPDXRef-", ""));
                        todo.add(to);
                    }
                }
            }
        }
        ObjectNode main = null;
        for (Map.Entry<String, String> m : newIds.entrySet()) {
            if (!ids.add(m.getValue())) {
                continue;
            }
            // newIds holds the described package and relationship targets found in byId
            ObjectNode copy = ((ObjectNode) idOf(byId, m.getKey())).deepCopy();
            copy.put("SPDXID", m.getValue());
            copy.put("filesAnalyzed", false);
            copy.remove(List.of("packageVerificationCode", "hasFiles", "licenseInfoFromFiles"));
            for (String field : List.of("licenseConcluded", "licenseDeclared")) {
                if (copy.path(field).isTextual()) {
                    copy.put(field, renameLicenceRefs(copy.path(field).asText(), newRefs));
                }
            }
            if ("OPERATING-SYSTEM".equals(copy.path("primaryPackagePurpose").asText())) {
                copy.put("primaryPackagePurpose", "OPERATING_SYSTEM");
            }
            if (!copy.has("supplier")) {
                copy.put("supplier", supplier);
            }
            for (JsonNode ref : copy.path("externalRefs")) {
                if ("PACKAGE_MANAGER".equals(ref.path("referenceCategory").asText())) {
                    ((ObjectNode) ref).put("referenceCategory", "PACKAGE-MANAGER");
                }
            }
            out.add(copy);
            if (m.getKey().equals(described)) {
                main = copy;
            }
        }
        // an edge was taken only from an element already in newIds, and its target was added then
        for (JsonNode r : edges) {
            rel(
                    rels,
                    idOf(newIds, r.path("spdxElementId").asText()),
                    r.path("relationshipType").asText(),
                    idOf(newIds, r.path("relatedSpdxElement").asText()));
        }
        return main;
    }

    private static boolean isOs(JsonNode p) {
        String purpose = p.path("primaryPackagePurpose").asText();
        return purpose.equals("OPERATING_SYSTEM") || purpose.equals("OPERATING-SYSTEM");
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
        return CycloneDxWriter.write(new SbomDocument(
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

    // ---------------- helpers ----------------

    private String created() {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(subject.created()));
    }

    private void basics(ObjectNode p, String purpose) {
        p.put("downloadLocation", "NOASSERTION");
        p.put("filesAnalyzed", false);
        p.put("supplier", supplier);
        p.put("primaryPackagePurpose", purpose);
    }

    /** The package's licence as an SPDX expression; names off the SPDX list are defined in {@code licences}. */
    private static String license(IndexEntry e, Map<String, ObjectNode> licences) {
        SpdxLicenseExpression licence = SpdxLicenseExpression.normalize(e.license());
        Map<String, String> newRefs = new HashMap<>();
        licence.extracted().forEach((ref, name) -> {
            ObjectNode info = JSON.createObjectNode()
                    .put("licenseId", ref)
                    .put("name", name)
                    .put(
                            "extractedText",
                            "The package declares the licence '" + name + "', which is not on the SPDX licence list.");
            newRefs.put(ref, defineLicence(licences, info));
        });
        return renameLicenceRefs(licence.expression(), newRefs);
    }

    /**
     * Adds a LicenseRef definition and returns its id in the image document. LicenseRef ids are
     * scoped to their document, so two packages may mean different texts by one id; the later one
     * then gets a numbered id rather than borrowing the other's text.
     */
    private static String defineLicence(Map<String, ObjectNode> licences, ObjectNode info) {
        String base = info.path("licenseId").asText();
        String id = base;
        for (int n = 2; ; n++) {
            ObjectNode candidate = info.deepCopy().put("licenseId", id);
            ObjectNode existing = licences.putIfAbsent(id, candidate);
            if (existing == null || existing.equals(candidate)) {
                return id;
            }
            id = base + "-" + n;
        }
    }

    private static String renameLicenceRefs(String expression, Map<String, String> newRefs) {
        return LICENSE_REF
                .matcher(expression)
                .replaceAll(m -> Matcher.quoteReplacement(newRefs.getOrDefault(m.group(), m.group())));
    }

    private static void purl(ObjectNode p, String purl) {
        ArrayNode refs = p.putArray("externalRefs");
        refs.addObject()
                .put("referenceCategory", "PACKAGE-MANAGER")
                .put("referenceType", "purl")
                .put("referenceLocator", purl);
    }

    /** The value that {@code key} is known to have in {@code ids}. */
    private static <T> T idOf(Map<String, T> ids, String key) {
        return Objects.requireNonNull(ids.get(key), () -> "SBOM element " + key + " has no id");
    }

    private static void rel(ArrayNode rels, String from, String type, String to) {
        rels.addObject()
                .put("spdxElementId", from)
                .put("relationshipType", type)
                .put("relatedSpdxElement", to);
    }

    static String elementId(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((Character.isLetterOrDigit(c) && c < 128) || c == '.' || c == '-') {
                sb.append(c);
            } else {
                sb.append('C').append((int) c);
            }
        }
        return sb.toString();
    }

    private static byte[] bytes(ObjectNode doc) {
        try {
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ImageException("cannot write SBOM: " + e.getMessage(), e);
        }
    }
}
