package dev.kiln.attest;

import dev.kiln.attest.internal.SpdxValidator;
import dev.kiln.content.Purl;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Writes the per-package SPDX 2.3 document that travels inside an APK (apk.md §6). The output is a
 * function of the input alone: fixed key order, no wall clock, no random UUID.
 */
public final class SpdxPackageSbom {

    private static final String NOASSERTION = "NOASSERTION";
    /** SPDX 2.3 §7.7's grammar of a package download location, as SPDX tools-java checks it. */
    private static final Pattern DOWNLOAD_LOCATION = Pattern.compile("NONE|NOASSERTION|(((git|hg|svn|bzr)\\+)?"
            + "([^:/?#]+://)?[a-z0-9]+([\\-.][a-z0-9]+){0,100}\\.[a-z]{2,5}(:[0-9]{1,5})?(/.*)?)"
            + "|(git\\+git@[a-zA-Z0-9.\\-]+:[a-zA-Z0-9/\\\\.@\\-]+)|(bzr\\+lp:[a-zA-Z0-9.\\-]+)");

    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    /** Where the document lives inside the package's data stream. */
    public static String pathInPackage(String packageName, String fullVersion) {
        return "var/lib/db/sbom/" + packageName + "-" + fullVersion + ".spdx.json";
    }

    /** The APK's package URL: {@code pkg:apk/NAMESPACE/NAME@VERSION?arch=ARCH&distro=NAMESPACE}. */
    public static String apkPurl(String namespace, String name, String fullVersion, String arch) {
        String ns = namespace.toLowerCase(Locale.ROOT);
        return Purl.of("apk", ns, name, fullVersion)
                .withQualifier("arch", arch)
                .withQualifier("distro", ns)
                .toString();
    }

    /**
     * The purl of a distribution itself, {@code pkg:generic/ID@VERSION}: the purl specification has no
     * type for an operating system, and the generic type is its fallback for what fits no other.
     *
     * @param version null when the distribution states none
     */
    public static String osPurl(String id, String version) {
        return Purl.of("generic", null, id.toLowerCase(Locale.ROOT), version).toString();
    }

    /**
     * A rolling distribution has no release number: the one a package belongs to is named by the
     * package's build day, in the {@code YYYYMMDD} form Wolfi's {@code VERSION_ID} uses. Image SBOMs
     * name an image's distribution so when its {@code os-release} gives no {@code VERSION_ID}.
     */
    public static String distroVersion(long sourceDateEpoch) {
        return DAY.format(Instant.ofEpochSecond(sourceDateEpoch));
    }

    /** The document's bytes, written by {@link SpdxWriter}. */
    public byte[] write(PackageSbomInput in) {
        String apkId = "SPDXRef-Package-apk-" + SpdxWriter.elementId(in.packageName() + "-" + in.fullVersion());
        String osId = "SPDXRef-OperatingSystem";
        String recipeId = "SPDXRef-Recipe";
        String supplier = title(in.namespace());
        String distroVersion = distroVersion(in.sourceDateEpoch());

        List<SbomComponent> components = new ArrayList<>();
        components.add(SbomComponent.of(SbomComponent.Type.OPERATING_SYSTEM, osId, in.namespace())
                .withVersion(distroVersion)
                .withSupplier(supplier)
                .withPurl(osPurl(in.namespace(), distroVersion)));
        String licence = in.license() == null ? NOASSERTION : in.license();
        SbomComponent apk = SbomComponent.of(SbomComponent.Type.APPLICATION, apkId, in.packageName())
                .withVersion(in.fullVersion())
                .withSupplier(supplier)
                .withOriginator(supplier)
                .withLicense(licence)
                .withSpdxLicensing(recipeLicensing(licence))
                .withCopyrightText(blankToNoAssertion(in.copyrightText()))
                .withPurl(apkPurl(in.namespace(), in.packageName(), in.fullVersion(), in.arch()));
        components.add(apk);
        components.add(SbomComponent.of(SbomComponent.Type.INSTALL, recipeId, in.recipePath())
                .withVersion(recipeVersion(in))
                .withSupplier(supplier)
                .withPurl(recipePurl(in)));
        List<SourceRef> sources = in.sources();
        for (int i = 0; i < sources.size(); i++) {
            SourceRef s = sources.get(i);
            components.add(SbomComponent.of(SbomComponent.Type.SOURCE, sourceId(i, s), s.name())
                    .withVersion(s.version())
                    .withSupplier(sourceSupplier(s, supplier))
                    .withDownloadLocation(downloadLocation(s.purl()))
                    .withPurl(s.purl()));
        }

        List<SbomRelationship> relationships = new ArrayList<>();
        relationships.add(SbomRelationship.describes(apkId));
        relationships.add(new SbomRelationship(osId, "CONTAINS", apkId));
        relationships.add(new SbomRelationship(apkId, "DESCRIBED_BY", recipeId));
        for (int i = 0; i < sources.size(); i++) {
            relationships.add(new SbomRelationship(apkId, "GENERATED_FROM", sourceId(i, sources.get(i))));
        }
        return SpdxWriter.write(SbomDocument.spdx(
                "apk-" + in.packageName() + "-" + in.fullVersion(),
                documentNamespace(in),
                Instant.ofEpochSecond(in.sourceDateEpoch()),
                "kiln-" + in.toolVersion(),
                supplier,
                apk,
                components,
                relationships));
    }

    /**
     * The recipe's licence as SPDX expressions: nothing concluded, and names off the SPDX list defined
     * as the recipe's, whose text travels in the package sources.
     */
    private static SpdxLicensing recipeLicensing(String licence) {
        SpdxLicenseExpression expression = SpdxLicenseExpression.normalize(licence);
        List<SbomLicence> definitions = new ArrayList<>();
        expression
                .extracted()
                .forEach((id, name) -> definitions.add(new SbomLicence(
                        id,
                        name,
                        "The recipe declares the licence '" + name
                                + "', which is not on the SPDX licence list; its text is in the package sources.")));
        return new SpdxLicensing(expression.expression(), NOASSERTION, definitions);
    }

    /**
     * Checks the SPDX 2.3 fields and enums that consumers rely on.
     *
     * @throws AttestException listing every problem found
     */
    public static void validate(byte[] json) {
        SpdxValidator.validate(json);
    }

    /**
     * Unique per build, unlike melange's (namespace and version only): two architectures or two
     * rebuilds with different contents of the same version get different namespaces.
     */
    static String documentNamespace(PackageSbomInput in) {
        String key = String.join("\n", in.packageName(), in.fullVersion(), in.arch(), in.dataHash());
        String digest = sha256(key);
        // each part percent-encoded as a purl component: the result is also a valid URI path segment (RFC 3986 §3.3)
        return "https://spdx.org/spdxdocs/kiln/" + Purl.encode(in.namespace()) + "/" + Purl.encode(in.packageName())
                + "-" + Purl.encode(in.fullVersion()) + "-" + Purl.encode(in.arch()) + "-" + digest.substring(0, 32);
    }

    /** The recipe's commit when known; otherwise the package version it was written for ({@code VERSION-rN}). */
    private static String recipeVersion(PackageSbomInput in) {
        return in.recipeCommit() != null ? in.recipeCommit() : in.fullVersion();
    }

    /** {@code pkg:generic/NAMESPACE/RECIPE_PATH@VERSION}: the recipe's repository is not known here, its path is. */
    private static String recipePurl(PackageSbomInput in) {
        return Purl.of("generic", in.namespace().toLowerCase(Locale.ROOT), in.recipePath(), recipeVersion(in))
                .toString();
    }

    /**
     * SPDX's supplier is the source a package was actually obtained from (SPDX 2.3 §7.5): the GitHub
     * owner of a {@code pkg:github} source, else the host serving its tarball or repository, else the
     * distribution itself (a source with no known origin was supplied by the recipe's own tree).
     */
    private static String sourceSupplier(SourceRef s, String distribution) {
        Purl purl = Purl.parse(s.purl());
        if (purl.type().equals("github") && purl.namespace() != null) {
            return purl.namespace();
        }
        String location = sourceUrl(s.purl());
        if (location != null) {
            try {
                String host = URI.create(location).getHost();
                if (host != null && !host.isEmpty()) {
                    return host;
                }
            } catch (IllegalArgumentException e) {
                // not a URI: fall through to the distribution
            }
        }
        return distribution;
    }

    private static String sourceId(int index, SourceRef s) {
        return "SPDXRef-Source-" + (index + 1) + "-" + SpdxWriter.elementId(s.name());
    }

    /**
     * A fetched source's purl carries its URL; git ones their repository; others say nothing. A URL
     * outside SPDX's download-location grammar (SPDX 2.3 §7.7, which wants a host name with a
     * top-level domain, so no IP address or {@code localhost}) becomes NOASSERTION: the purl keeps it.
     */
    private static String downloadLocation(String purl) {
        String url = sourceUrl(purl);
        return url != null && DOWNLOAD_LOCATION.matcher(url).matches() ? url : NOASSERTION;
    }

    /** The {@code download_url} or {@code vcs_url} qualifier of a source purl, without a fragment; null if none. */
    private static @Nullable String sourceUrl(String purl) {
        Purl p = Purl.parse(purl);
        for (String qualifier : List.of("download_url", "vcs_url")) {
            String value = p.qualifier(qualifier);
            if (value != null) {
                int hash = value.indexOf('#');
                return hash < 0 ? value : value.substring(0, hash);
            }
        }
        return null;
    }

    private static String blankToNoAssertion(@Nullable String s) {
        return s == null || s.isBlank() ? NOASSERTION : s;
    }

    private static String title(String s) {
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AttestException("SHA-256 unavailable in this JVM", e);
        }
    }
}
