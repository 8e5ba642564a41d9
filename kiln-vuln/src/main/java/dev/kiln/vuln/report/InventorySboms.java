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
import dev.kiln.attest.SbomRelationship;
import dev.kiln.attest.SpdxWriter;
import dev.kiln.content.Digest;
import dev.kiln.vuln.VulnException;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.inventory.InventoryPackage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An image inventory as an SBOM: SPDX 2.3 JSON, CycloneDX 1.6 JSON, or Kiln's plain JSON. Every package
 * carries its purl and the image files that evidence it. The output is a function of the inventory, the
 * target name and {@code created} alone (serial numbers and namespaces are derived from the content), so
 * the same image always gives the same bytes. kiln-attest's {@link SpdxWriter} and {@link
 * CycloneDxWriter} write the documents from the model filled here.
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
        IdentityHashMap<InventoryPackage, String> ids = new IdentityHashMap<>();
        Set<String> used = new HashSet<>();
        List<SbomComponent> packages = new ArrayList<>();
        List<SbomRelationship> rels = new ArrayList<>();
        String osId = null;
        if (!inv.distro().id().isEmpty()) {
            osId = "SPDXRef-OperatingSystem-"
                    + SpdxWriter.elementId(inv.distro().id());
            used.add(osId);
            packages.add(SbomComponent.of(
                            SbomComponent.Type.OPERATING_SYSTEM,
                            osId,
                            inv.distro().id())
                    .withVersion(emptyToNull(inv.distro().versionId())));
            rels.add(SbomRelationship.describes(osId));
        }
        for (InventoryPackage p : inv.packages()) {
            String id = unique(
                    "SPDXRef-Package-" + p.ecosystem().purlType() + "-"
                            + SpdxWriter.elementId(p.name() + "-" + p.version()),
                    used);
            ids.put(p, id);
            packages.add(SbomComponent.of(
                            p.ecosystem().isOs() ? SbomComponent.Type.INSTALL : SbomComponent.Type.LIBRARY,
                            id,
                            p.name())
                    .withVersion(emptyToNull(p.version()))
                    .withSourceInfo("evidence: " + String.join(", ", p.evidence())
                            + (p.status() != null ? "; dpkg status: " + p.status() : ""))
                    .withChecksums(checksums(p))
                    .withPurl(p.purl()));
        }
        Map<InventoryPackage, InventoryPackage> owners = inv.owners();
        for (InventoryPackage p : inv.packages()) {
            rels.add(SbomRelationship.describes(idOf(ids, p)));
            InventoryPackage owner = owners.get(p);
            if (owner != null) {
                rels.add(new SbomRelationship(idOf(ids, owner), "CONTAINS", idOf(ids, p)));
            } else if (osId != null && p.ecosystem().isOs()) {
                rels.add(new SbomRelationship(osId, "CONTAINS", idOf(ids, p)));
            }
        }
        // the subject is not a package of the SPDX document: the document describes what was found
        SbomComponent subject = SbomComponent.of(SbomComponent.Type.CONTAINER, "SPDXRef-target", target);
        return SpdxWriter.write(SbomDocument.spdx(
                target,
                "https://kiln.dev/spdx/inventory/" + Digest.sha256(content).hex(),
                created,
                TOOL,
                null,
                subject,
                packages,
                rels));
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
                    .withChecksums(checksums(p))
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
                Objects.requireNonNull(edges.get(refs.get(owner)), "an owner is a package of the inventory")
                        .add(refs.get(p));
            } else if (osRef != null && p.ecosystem().isOs()) {
                Objects.requireNonNull(edges.get(osRef), "osRef's edges are put above")
                        .add(refs.get(p));
            } else {
                top.add(refs.get(p));
            }
        }
        List<SbomDependency> dependencies = new ArrayList<>();
        dependencies.add(new SbomDependency("target", top));
        edges.forEach((ref, on) -> dependencies.add(new SbomDependency(ref, on)));
        return CycloneDxWriter.write(SbomDocument.cycloneDx(
                UUID.nameUUIDFromBytes(content), created, TOOL, null, subject, components, dependencies));
    }

    private static List<SbomChecksum> checksums(InventoryPackage p) {
        String sha1 = p.sha1();
        return sha1 != null ? List.of(new SbomChecksum(SbomChecksum.Algorithm.SHA1, sha1)) : List.of();
    }

    private static String unique(String id, Set<String> used) {
        String candidate = id;
        for (int i = 2; !used.add(candidate); i++) {
            candidate = id + "-" + i;
        }
        return candidate;
    }

    private static @Nullable String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
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

    /** Every package of the inventory gets an id before any relationship is written, and owners are among them. */
    private static String idOf(Map<InventoryPackage, String> ids, InventoryPackage p) {
        return Objects.requireNonNull(ids.get(p), "an inventory package without an SPDX id");
    }
}
