package dev.kiln.attest;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A package's licence fields as an SPDX document already states them: expressions over SPDX ids and the
 * document's own {@code LicenseRef-} ids, with those ids' definitions. {@link SpdxWriter} writes them as
 * they are, renaming a LicenseRef only where another package of the document defines the same id
 * differently (LicenseRef ids are scoped to their document).
 *
 * @param declared {@code licenseDeclared}; null leaves it out
 * @param concluded {@code licenseConcluded}; null leaves it out
 * @param definitions the LicenseRefs the expressions name; a LicenseRef without one gets the writer's
 *     standard definition
 */
public record SpdxLicensing(
        @Nullable String declared, @Nullable String concluded, List<SbomLicence> definitions) {
    public SpdxLicensing {
        definitions = List.copyOf(Objects.requireNonNull(definitions, "definitions"));
    }
}
