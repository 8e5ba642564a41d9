package dev.kiln.attest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.attest.internal.SpdxValidator;
import dev.kiln.content.Purl;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Writes the per-package SPDX 2.3 document that travels inside an APK (apk.md §6). The output is a
 * function of the input alone: fixed key order, no wall clock, no random UUID.
 */
public final class SpdxPackageSbom {

    static final String LICENSE_LIST_VERSION = "3.22";
    private static final String NOASSERTION = "NOASSERTION";
    private static final ObjectMapper JSON = new ObjectMapper();
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

    /** Serialises the document as compact UTF-8 JSON with a trailing newline. */
    public byte[] write(PackageSbomInput in) {
        String apkId = "SPDXRef-Package-apk-" + elementId(in.packageName() + "-" + in.fullVersion());
        String osId = "SPDXRef-OperatingSystem";
        String recipeId = "SPDXRef-Recipe";
        String supplier = "Organization: " + title(in.namespace());
        SpdxLicenseExpression licence = SpdxLicenseExpression.normalize(in.license());

        ObjectNode doc = JSON.createObjectNode();
        doc.put("SPDXID", "SPDXRef-DOCUMENT");
        doc.put("name", "apk-" + in.packageName() + "-" + in.fullVersion());
        doc.put("spdxVersion", "SPDX-2.3");
        ObjectNode info = doc.putObject("creationInfo");
        info.put("created", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(in.sourceDateEpoch())));
        info.putArray("creators").add("Tool: kiln-" + in.toolVersion()).add(supplier);
        info.put("licenseListVersion", LICENSE_LIST_VERSION);
        doc.put("dataLicense", "CC0-1.0");
        doc.put("documentNamespace", documentNamespace(in));
        doc.putArray("documentDescribes").add(apkId);

        ArrayNode packages = doc.putArray("packages");
        ObjectNode os = packages.addObject();
        os.put("SPDXID", osId);
        os.put("name", in.namespace());
        os.put("versionInfo", distroVersion(in.sourceDateEpoch()));
        os.put("downloadLocation", NOASSERTION);
        os.put("filesAnalyzed", false);
        os.put("supplier", supplier);
        purl(os, osPurl(in.namespace(), distroVersion(in.sourceDateEpoch())));
        os.put("primaryPackagePurpose", "OPERATING_SYSTEM");

        ObjectNode apk = packages.addObject();
        apk.put("SPDXID", apkId);
        apk.put("name", in.packageName());
        apk.put("versionInfo", in.fullVersion());
        apk.put("supplier", supplier);
        apk.put("originator", supplier);
        apk.put("downloadLocation", NOASSERTION);
        apk.put("filesAnalyzed", false);
        apk.put("licenseConcluded", NOASSERTION);
        apk.put("licenseDeclared", licence.expression());
        apk.put("copyrightText", blankToNoAssertion(in.copyrightText()));
        purl(apk, apkPurl(in.namespace(), in.packageName(), in.fullVersion(), in.arch()));
        apk.put("primaryPackagePurpose", "APPLICATION");

        ObjectNode recipe = packages.addObject();
        recipe.put("SPDXID", recipeId);
        recipe.put("name", in.recipePath());
        recipe.put("versionInfo", recipeVersion(in));
        recipe.put("downloadLocation", NOASSERTION);
        recipe.put("filesAnalyzed", false);
        recipe.put("supplier", supplier);
        purl(recipe, recipePurl(in));
        recipe.put("primaryPackagePurpose", "INSTALL");

        List<SourceRef> sources = in.sources();
        for (int i = 0; i < sources.size(); i++) {
            SourceRef s = sources.get(i);
            ObjectNode src = packages.addObject();
            src.put("SPDXID", sourceId(i, s));
            src.put("name", s.name());
            src.put("versionInfo", s.version());
            src.put("downloadLocation", downloadLocation(s.purl()));
            src.put("filesAnalyzed", false);
            src.put("supplier", sourceSupplier(s, supplier));
            purl(src, s.purl());
            src.put("primaryPackagePurpose", "SOURCE");
        }

        ArrayNode relationships = doc.putArray("relationships");
        relationship(relationships, "SPDXRef-DOCUMENT", "DESCRIBES", apkId);
        relationship(relationships, osId, "CONTAINS", apkId);
        relationship(relationships, apkId, "DESCRIBED_BY", recipeId);
        for (int i = 0; i < sources.size(); i++) {
            relationship(relationships, apkId, "GENERATED_FROM", sourceId(i, sources.get(i)));
        }

        if (!licence.extracted().isEmpty()) {
            ArrayNode extracted = doc.putArray("hasExtractedLicensingInfos");
            for (Map.Entry<String, String> e : licence.extracted().entrySet()) {
                ObjectNode x = extracted.addObject();
                x.put("licenseId", e.getKey());
                x.put("name", e.getValue());
                x.put(
                        "extractedText",
                        "The recipe declares the licence '" + e.getValue()
                                + "', which is not on the SPDX licence list; its text is in the package sources.");
            }
        }
        try {
            byte[] body = JSON.writeValueAsBytes(doc);
            byte[] out = new byte[body.length + 1];
            System.arraycopy(body, 0, out, 0, body.length);
            out[body.length] = '\n';
            return out;
        } catch (JsonProcessingException e) {
            throw new AttestException(
                    "cannot serialise SPDX document for " + in.packageName() + ": " + e.getMessage(), e);
        }
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
            return "Organization: " + purl.namespace();
        }
        String location = sourceUrl(s.purl());
        if (location != null) {
            try {
                String host = URI.create(location).getHost();
                if (host != null && !host.isEmpty()) {
                    return "Organization: " + host;
                }
            } catch (IllegalArgumentException e) {
                // not a URI: fall through to the distribution
            }
        }
        return distribution;
    }

    private static String sourceId(int index, SourceRef s) {
        return "SPDXRef-Source-" + (index + 1) + "-" + elementId(s.name());
    }

    /** Element ids allow letters, digits, '.' and '-'; other characters become C + code point, as melange writes them. */
    static String elementId(String text) {
        StringBuilder sb = new StringBuilder();
        text.codePoints().forEach(c -> {
            if ((c < 128 && Character.isLetterOrDigit(c)) || c == '.' || c == '-') {
                sb.appendCodePoint(c);
            } else {
                sb.append('C').append(c);
            }
        });
        return sb.toString();
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

    private static void purl(ObjectNode pkg, String purl) {
        ObjectNode ref = pkg.putArray("externalRefs").addObject();
        ref.put("referenceCategory", "PACKAGE-MANAGER");
        ref.put("referenceType", "purl");
        ref.put("referenceLocator", purl);
    }

    private static void relationship(ArrayNode rels, String from, String type, String to) {
        ObjectNode r = rels.addObject();
        r.put("spdxElementId", from);
        r.put("relationshipType", type);
        r.put("relatedSpdxElement", to);
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
