package dev.kiln.vuln.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.attest.CycloneDxWriter;
import dev.kiln.attest.SbomChecksum;
import dev.kiln.attest.SbomComponent;
import dev.kiln.attest.SbomDependency;
import dev.kiln.attest.SbomDocument;
import dev.kiln.content.Digest;
import dev.kiln.vuln.VulnException;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.inventory.InventoryPackage;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An image inventory as an SBOM: SPDX 2.3 JSON, CycloneDX 1.6 JSON, or Kiln's plain JSON. Every package
 * carries its purl and the image files that evidence it. The output is a function of the inventory, the
 * target name and {@code created} alone (serial numbers and namespaces are derived from the content), so
 * the same image always gives the same bytes. The CycloneDX document is written by kiln-attest's
 * {@link CycloneDxWriter} from the model filled here.
 */
public final class InventorySboms {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String TOOL = "kiln";

    private InventorySboms() {}

    /** Kiln's own inventory JSON: distribution and packages with purl, evidence and owned-file counts. */
    public static byte[] json(Inventory inv, String target) {
        ObjectNode root = JSON.createObjectNode();
        root.put("target", target);
        ObjectNode distro = root.putObject("distro");
        distro.put("id", inv.distro().id());
        distro.put("versionId", inv.distro().versionId());
        distro.put("prettyName", inv.distro().prettyName());
        ArrayNode pkgs = root.putArray("packages");
        for (InventoryPackage p : inv.packages()) {
            ObjectNode n = pkgs.addObject();
            n.put("ecosystem", p.ecosystem().osvName());
            n.put("name", p.name());
            n.put("version", p.version());
            if (!p.origin().equals(p.name())) {
                n.put("origin", p.origin());
            }
            if (p.arch() != null && !p.arch().isEmpty()) {
                n.put("arch", p.arch());
            }
            if (p.purl() != null) {
                n.put("purl", p.purl());
            }
            ArrayNode ev = n.putArray("evidence");
            p.evidence().forEach(ev::add);
            if (p.ecosystem().isOs()) {
                n.put("files", p.files().size());
            }
            if (p.built() != null) {
                n.put("built", p.built().toString());
            }
            if (p.status() != null) {
                n.put("status", p.status());
            }
            if (p.sha1() != null) {
                n.put("sha1", p.sha1());
            }
        }
        return bytes(root);
    }

    /** SPDX 2.3: one package per inventory entry, DESCRIBES from the document, CONTAINS from owning OS packages. */
    public static byte[] spdx(Inventory inv, String target, Instant created) {
        byte[] content = json(inv, target);
        ObjectNode doc = JSON.createObjectNode();
        doc.put("spdxVersion", "SPDX-2.3");
        doc.put("dataLicense", "CC0-1.0");
        doc.put("SPDXID", "SPDXRef-DOCUMENT");
        doc.put("name", target);
        doc.put(
                "documentNamespace",
                "https://kiln.dev/spdx/inventory/" + Digest.sha256(content).hex());
        ObjectNode info = doc.putObject("creationInfo");
        info.put("created", timestamp(created));
        info.putArray("creators").add("Tool: " + TOOL);

        IdentityHashMap<InventoryPackage, String> ids = new IdentityHashMap<>();
        Set<String> used = new HashSet<>();
        ArrayNode packages = doc.putArray("packages");
        ArrayNode describes = doc.putArray("documentDescribes");
        String osId = null;
        if (!inv.distro().id().isEmpty()) {
            osId = "SPDXRef-OperatingSystem-" + idPart(inv.distro().id());
            used.add(osId);
            ObjectNode os = packages.addObject();
            os.put("SPDXID", osId);
            os.put("name", inv.distro().id());
            if (!inv.distro().versionId().isEmpty()) {
                os.put("versionInfo", inv.distro().versionId());
            }
            os.put("downloadLocation", "NOASSERTION");
            os.put("filesAnalyzed", false);
            os.put("primaryPackagePurpose", "OPERATING_SYSTEM");
            describes.add(osId);
        }
        for (InventoryPackage p : inv.packages()) {
            String id = unique(
                    "SPDXRef-Package-" + p.ecosystem().purlType() + "-" + idPart(p.name() + "-" + p.version()), used);
            ids.put(p, id);
            ObjectNode n = packages.addObject();
            n.put("SPDXID", id);
            n.put("name", p.name());
            if (!p.version().isEmpty()) { // an archive known only by its file has none
                n.put("versionInfo", p.version());
            }
            n.put("downloadLocation", "NOASSERTION");
            n.put("filesAnalyzed", false);
            n.put(
                    "sourceInfo",
                    "evidence: " + String.join(", ", p.evidence())
                            + (p.status() != null ? "; dpkg status: " + p.status() : ""));
            if (p.sha1() != null) {
                n.putArray("checksums").addObject().put("algorithm", "SHA1").put("checksumValue", p.sha1());
            }
            if (p.purl() != null) {
                ObjectNode ref = n.putArray("externalRefs").addObject();
                ref.put("referenceCategory", "PACKAGE-MANAGER");
                ref.put("referenceType", "purl");
                ref.put("referenceLocator", p.purl());
            }
            n.put("primaryPackagePurpose", p.ecosystem().isOs() ? "INSTALL" : "LIBRARY");
            describes.add(id);
        }

        ArrayNode rels = doc.putArray("relationships");
        if (osId != null) {
            relationship(rels, "SPDXRef-DOCUMENT", "DESCRIBES", osId);
        }
        Map<InventoryPackage, InventoryPackage> owners = inv.owners();
        for (InventoryPackage p : inv.packages()) {
            relationship(rels, "SPDXRef-DOCUMENT", "DESCRIBES", ids.get(p));
            InventoryPackage owner = owners.get(p);
            if (owner != null) {
                relationship(rels, ids.get(owner), "CONTAINS", ids.get(p));
            } else if (osId != null && p.ecosystem().isOs()) {
                relationship(rels, osId, "CONTAINS", ids.get(p));
            }
        }
        return bytes(doc);
    }

    /** CycloneDX 1.6: one component per package with purl and {@code evidence.occurrences}; OS packages own what they ship. */
    public static byte[] cyclonedx(Inventory inv, String target, Instant created) {
        byte[] content = json(inv, target);
        SbomComponent subject = SbomComponent.of(SbomComponent.Type.CONTAINER, "target", target);
        IdentityHashMap<InventoryPackage, String> refs = new IdentityHashMap<>();
        Set<String> used = new HashSet<>(Set.of("target"));
        List<SbomComponent> components = new ArrayList<>();
        String osRef = null;
        if (!inv.distro().id().isEmpty()) {
            osRef = unique("os:" + inv.distro().id(), used);
            components.add(SbomComponent.of(
                            SbomComponent.Type.OPERATING_SYSTEM,
                            osRef,
                            inv.distro().id())
                    .withVersion(emptyToNull(inv.distro().versionId())));
        }
        for (InventoryPackage p : inv.packages()) {
            String ref = unique(
                    p.purl() != null ? p.purl() : p.ecosystem().purlType() + ":" + p.name() + "@" + p.version(), used);
            refs.put(p, ref);
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("kiln:ecosystem", p.ecosystem().osvName());
            if (!p.origin().equals(p.name())) {
                properties.put("kiln:origin", p.origin());
            }
            if (p.status() != null) {
                properties.put("kiln:dpkg:status", p.status());
            }
            components.add(SbomComponent.of(SbomComponent.Type.LIBRARY, ref, p.name())
                    .withVersion(emptyToNull(p.version()))
                    .withChecksums(
                            p.sha1() != null
                                    ? List.of(new SbomChecksum(SbomChecksum.Algorithm.SHA1, p.sha1()))
                                    : List.of())
                    .withPurl(p.purl())
                    .withEvidence(p.evidence())
                    .withProperties(properties));
        }

        Map<InventoryPackage, InventoryPackage> owners = inv.owners();
        Map<String, List<String>> edges = new LinkedHashMap<>();
        List<String> top = new ArrayList<>();
        if (osRef != null) {
            top.add(osRef);
            edges.put(osRef, new ArrayList<>());
        }
        for (InventoryPackage p : inv.packages()) {
            edges.put(refs.get(p), new ArrayList<>());
        }
        for (InventoryPackage p : inv.packages()) {
            InventoryPackage owner = owners.get(p);
            if (owner != null) {
                edges.get(refs.get(owner)).add(refs.get(p));
            } else if (osRef != null && p.ecosystem().isOs()) {
                edges.get(osRef).add(refs.get(p));
            } else {
                top.add(refs.get(p));
            }
        }
        List<SbomDependency> dependencies = new ArrayList<>();
        dependencies.add(new SbomDependency("target", top));
        edges.forEach((ref, on) -> dependencies.add(new SbomDependency(ref, on)));
        return CycloneDxWriter.write(new SbomDocument(
                UUID.nameUUIDFromBytes(content), created, TOOL, null, subject, components, dependencies));
    }

    private static void relationship(ArrayNode rels, String from, String type, String to) {
        rels.addObject()
                .put("spdxElementId", from)
                .put("relationshipType", type)
                .put("relatedSpdxElement", to);
    }

    private static String unique(String id, Set<String> used) {
        String candidate = id;
        for (int i = 2; !used.add(candidate); i++) {
            candidate = id + "-" + i;
        }
        return candidate;
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private static String idPart(String s) {
        return s.replaceAll("[^A-Za-z0-9.-]", "-");
    }

    private static String timestamp(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            byte[] body = JSON.writeValueAsBytes(node);
            byte[] out = new byte[body.length + 1];
            System.arraycopy(body, 0, out, 0, body.length);
            out[body.length] = '\n';
            return out;
        } catch (JsonProcessingException e) {
            throw new VulnException("cannot serialise inventory SBOM: " + e.getMessage(), e);
        }
    }
}
