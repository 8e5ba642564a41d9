package dev.kiln.attest;

import dev.kiln.content.ContentException;
import dev.kiln.content.Purl;
import java.util.Objects;

/**
 * An upstream source a package was built from (apk.md §6): a fetched tarball
 * ({@code pkg:generic/NAME@VERSION?checksum=sha256:HEX&download_url=URL}) or a git checkout
 * ({@code pkg:github/ORG/REPO@REF}, {@code pkg:generic/NAME@REF?vcs_url=git+URL@COMMIT}).
 */
public record SourceRef(String name, String version, String purl) {

    public SourceRef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(purl, "purl");
        try {
            Purl.parse(purl);
        } catch (ContentException e) {
            throw new AttestException("source '" + name + "': " + e.getMessage(), e);
        }
    }
}
