package dev.kiln.vuln.vex;

import dev.kiln.content.Hashing;
import dev.kiln.vuln.EventType;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.inventory.InventoryPackage;
import dev.kiln.vuln.match.DistroEntry;
import dev.kiln.vuln.match.DistroFeed;
import dev.kiln.vuln.version.Ecosystem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The OpenVEX document of an image from its advisories (vulnerabilities.md §6.3): one statement per
 * vulnerability and installed package version, never a range. Products are the image purls with the
 * package purl, exactly as in the inventory, as subcomponent; without image purls the package is the product.
 */
public final class VexGenerator {
    private VexGenerator() {}

    public static VexDocument generate(
            Inventory inventory, DistroFeed feed, List<String> imagePurls, String author, Instant timestamp) {
        List<VexStatement> statements = new ArrayList<>();
        for (InventoryPackage p : inventory.of(Ecosystem.APK)) {
            for (DistroEntry e : feed.entries(p.origin())) {
                String status;
                String justification = null;
                String action = null;
                switch (e.status()) {
                    case NOT_AFFECTED -> {
                        status = "not_affected";
                        justification = e.justification();
                    }
                    case FIXED -> {
                        String version = Objects.requireNonNull(e.fixedVersion(), "a fixed entry carries its version");
                        boolean fixed = Ecosystem.APK.scheme().compare(p.version(), version) >= 0;
                        status = fixed ? "fixed" : "affected";
                        action = fixed ? null : "Update " + p.name() + " to " + version + " or later";
                    }
                    default -> {
                        boolean investigating =
                                e.state() == EventType.DETECTION || e.state() == EventType.ANALYSIS_NOT_PLANNED;
                        status = investigating ? "under_investigation" : "affected";
                        action = investigating
                                ? null
                                : e.state() == EventType.FIX_NOT_PLANNED
                                        ? "No fix is planned"
                                        : "Wait for an upstream fix";
                    }
                }
                String purl = Objects.requireNonNull(p.purl(), "the APK cataloger gives every package a purl");
                List<VexStatement.Product> products = imagePurls.isEmpty()
                        ? List.of(new VexStatement.Product(purl, List.of()))
                        : imagePurls.stream()
                                .map(i -> new VexStatement.Product(i, List.of(purl)))
                                .toList();
                String name = e.primaryId();
                List<String> aliases =
                        e.ids().stream().filter(x -> !x.equals(name)).toList();
                statements.add(
                        new VexStatement(name, aliases, products, status, justification, null, action, timestamp));
            }
        }
        VexDocument draft = new VexDocument("", author, timestamp, 1, statements);
        String hash = Hashing.hex(Hashing.sha256().digest(OpenVex.toJson(draft)));
        return new VexDocument("https://openvex.dev/docs/public/vex-" + hash, author, timestamp, 1, statements);
    }
}
