package dev.kiln.attest;

import java.util.Objects;

/**
 * A licence that is not on the SPDX licence list, as an SPDX document defines it (SPDX 2.3 §10,
 * {@code hasExtractedLicensingInfos}).
 *
 * @param id the {@code LicenseRef-} id that licence expressions use
 * @param name the licence's name as its package states it
 * @param text the licence text, or where it can be found
 */
public record SbomLicence(String id, String name, String text) {
    public SbomLicence {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
    }
}
