package dev.kiln.vuln.vex;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** An OpenVEX v0.2.0 document. */
public record VexDocument(String id, String author, Instant timestamp, int version, List<VexStatement> statements) {
    public static final String CONTEXT = "https://openvex.dev/ns/v0.2.0";

    public VexDocument {
        statements = List.copyOf(statements);
    }

    /**
     * The statement that decides for a vulnerability (by any of its ids) in a package, following go-vex: the
     * vulnerability name or an alias matches, a product matches the image (then a listed subcomponent must
     * match the package) or the package itself; the latest by timestamp wins.
     */
    public static Optional<VexStatement> decide(
            List<VexDocument> docs,
            List<String> vulnerabilityIds,
            List<String> imagePurls,
            @Nullable String packagePurl) {
        return docs.stream()
                .flatMap(d -> d.statements().stream())
                .filter(s -> vulnerabilityIds.contains(s.vulnerability())
                        || s.aliases().stream().anyMatch(vulnerabilityIds::contains))
                .filter(s -> s.products().stream().anyMatch(p -> appliesTo(p, imagePurls, packagePurl)))
                .max(Comparator.comparing(VexStatement::timestamp));
    }

    private static boolean appliesTo(VexStatement.Product p, List<String> imagePurls, @Nullable String packagePurl) {
        if (packagePurl != null && PurlMatch.matches(p.id(), packagePurl)) {
            return true;
        }
        boolean image = imagePurls.stream().anyMatch(i -> PurlMatch.matches(p.id(), i) || p.id().equals(i));
        return image
                && (p.subcomponents().isEmpty()
                        || p.subcomponents().stream()
                                .anyMatch(s -> packagePurl != null && PurlMatch.matches(s, packagePurl)));
    }
}
