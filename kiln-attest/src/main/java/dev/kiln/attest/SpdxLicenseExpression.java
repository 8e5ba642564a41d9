package dev.kiln.attest;

import dev.kiln.attest.internal.SpdxLicenses;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A licence as an SPDX 2.3 licence expression. Names that are not SPDX ids become
 * {@code LicenseRef-} ids, listed in {@code extracted} (id → the original text, sorted by id); a
 * document using the expression must define each in {@code hasExtractedLicensingInfos}.
 */
public record SpdxLicenseExpression(String expression, SortedMap<String, String> extracted) {

    public SpdxLicenseExpression {
        extracted = Collections.unmodifiableSortedMap(new TreeMap<>(extracted));
    }

    /** Normalises free licence text, a recipe's or a package's; null or blank becomes NOASSERTION. */
    public static SpdxLicenseExpression normalize(String text) {
        return SpdxLicenses.normalize(text);
    }
}
