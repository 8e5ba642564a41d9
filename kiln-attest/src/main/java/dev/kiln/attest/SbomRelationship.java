package dev.kiln.attest;

import java.util.Objects;

/**
 * A typed edge between two elements of an SPDX document (SPDX 2.3 §11), each named by its {@link
 * SbomComponent#ref()} or {@link #DOCUMENT} for the document itself.
 *
 * @param type one of SPDX 2.3's relationship types, e.g. {@code CONTAINS} or {@code DEPENDS_ON}; kept as
 *     text so that relationships copied from another SPDX document keep their type
 */
public record SbomRelationship(String from, String type, String to) {
    /** The document's own element id: a relationship from it of type {@code DESCRIBES} names the subject. */
    public static final String DOCUMENT = "SPDXRef-DOCUMENT";

    public SbomRelationship {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(to, "to");
    }

    public static SbomRelationship describes(String to) {
        return new SbomRelationship(DOCUMENT, "DESCRIBES", to);
    }
}
