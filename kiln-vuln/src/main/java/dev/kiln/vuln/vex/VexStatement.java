package dev.kiln.vuln.vex;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** One OpenVEX statement; {@code timestamp} is the statement's own or, when absent, the document's. */
public record VexStatement(
        String vulnerability,
        List<String> aliases,
        List<Product> products,
        String status,
        @Nullable String justification,
        @Nullable String impactStatement,
        @Nullable String actionStatement,
        Instant timestamp) {

    public static final List<String> STATUSES = List.of("not_affected", "affected", "fixed", "under_investigation");

    /** A product (an image, or a package) with optional subcomponents, each identified by a purl. */
    public record Product(String id, List<String> subcomponents) {
        public Product {
            Objects.requireNonNull(id, "id");
            subcomponents = List.copyOf(subcomponents);
        }
    }

    public VexStatement {
        Objects.requireNonNull(vulnerability, "vulnerability");
        aliases = List.copyOf(aliases);
        products = List.copyOf(products);
        if (!STATUSES.contains(status)) {
            throw new dev.kiln.vuln.VulnException("VEX statement for " + vulnerability + ": status must be one of "
                    + STATUSES + ", found '" + status + "'");
        }
    }

    /** True for the statuses that suppress a finding. */
    public boolean suppresses() {
        return status.equals("not_affected") || status.equals("fixed");
    }
}
