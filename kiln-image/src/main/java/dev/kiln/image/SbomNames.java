package dev.kiln.image;

import dev.kiln.apk.FileTree;
import dev.kiln.apk.IndexEntry;
import dev.kiln.attest.SpdxPackageSbom;
import dev.kiln.content.Digest;
import dev.kiln.content.Purl;
import java.util.Locale;

/**
 * What an image SBOM calls things: the purls of the image, its layers, its distribution and its
 * packages, and the supplier, from the subject and the image's distribution ({@link ImageDistribution}).
 * Both documents of an image use one instance, so they name everything alike.
 */
final class SbomNames {
    private static final String IMAGE_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    private final SbomSubject subject;
    private final ImageDistribution distribution;

    SbomNames(SbomSubject subject, FileTree tree) {
        this.subject = subject;
        this.distribution = ImageDistribution.of(tree);
    }

    String osId() {
        return distribution.id();
    }

    /**
     * {@code VERSION_ID}; a rolling distribution may state none, and is then named by the image's build
     * day, as a package's own SBOM names it. The purls' {@code distro} qualifier keeps only what the
     * image states.
     */
    String osVersion() {
        String v = distribution.versionId();
        return v == null ? SpdxPackageSbom.distroVersion(subject.created()) : v;
    }

    /** The distribution, named as in {@code NAME}: the supplier of everything in the image and the SBOMs' author. */
    String supplierName() {
        return distribution.name();
    }

    String osPurl() {
        return SpdxPackageSbom.osPurl(osId(), osVersion());
    }

    String apkPurl(IndexEntry e) {
        return distribution.apkPurl(e, subject.platform().apkArch());
    }

    String imagePurl() {
        return ociPurl(subject.manifestDigest(), IMAGE_MANIFEST);
    }

    /**
     * {@code pkg:oci/NAME@DIGEST?arch=…&mediaType=…&os=…[&repository_url=REPOSITORY][&tag=TAG]}, qualifiers
     * sorted: NAME is the last path segment of the subject's repository, whose tag (as in
     * {@code busybox:latest}) goes to the {@code tag} qualifier rather than into the name.
     */
    String ociPurl(Digest digest, String mediaType) {
        String reference = subject.name();
        int at = reference.indexOf('@');
        if (at >= 0) {
            reference = reference.substring(0, at);
        }
        String tag = null;
        int colon = reference.lastIndexOf(':');
        if (colon > reference.lastIndexOf('/')) {
            tag = reference.substring(colon + 1);
            reference = reference.substring(0, colon);
        }
        String name = reference.substring(reference.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return Purl.of("oci", null, name, digest.toString())
                .withQualifier("arch", subject.platform().architecture())
                .withQualifier("mediaType", mediaType)
                .withQualifier("os", subject.platform().os())
                .withQualifier("repository_url", reference.contains("/") ? reference : null)
                .withQualifier("tag", tag)
                .toString();
    }
}
