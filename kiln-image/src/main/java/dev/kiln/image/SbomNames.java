package dev.kiln.image;

import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.apk.IndexEntry;
import dev.kiln.attest.SpdxPackageSbom;
import dev.kiln.content.Digest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an image SBOM calls things: the purls of the image, its layers, its distribution and its
 * packages, and the supplier, from the subject and the image's {@code /etc/os-release}
 * (images.md §8; scanners key on the {@code distro} and {@code upstream} qualifiers, supply-chain.md §1.5).
 * Both documents of an image use one instance, so they name everything alike.
 */
final class SbomNames {
    private static final String IMAGE_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    private final SbomSubject subject;
    private final Map<String, String> osRelease;

    SbomNames(SbomSubject subject, FileTree tree) {
        this.subject = subject;
        this.osRelease = osRelease(tree);
    }

    String osId() {
        return osRelease.getOrDefault("ID", "unknown");
    }

    /**
     * {@code VERSION_ID}; a rolling distribution may state none, and is then named by the image's build
     * day, as a package's own SBOM names it. The purls' {@code distro} qualifier keeps only what the
     * image states.
     */
    String osVersion() {
        String v = osRelease.get("VERSION_ID");
        return v == null || v.isEmpty() ? SpdxPackageSbom.distroVersion(subject.created()) : v;
    }

    /** The distribution, named as in {@code NAME}: the supplier of everything in the image and the SBOMs' author. */
    String supplierName() {
        return osRelease.getOrDefault("NAME", osId());
    }

    String osPurl() {
        return SpdxPackageSbom.osPurl(osId(), osVersion());
    }

    private String distro() {
        String v = osRelease.get("VERSION_ID");
        return v == null || v.isEmpty() ? osId() : osId() + "-" + v;
    }

    /** {@code pkg:apk/ID/NAME@VERSION?arch=…&distro=ID-VERSION_ID[&upstream=ORIGIN]}, qualifiers sorted. */
    String apkPurl(IndexEntry e) {
        Map<String, String> q = new TreeMap<>();
        q.put("arch", e.arch() == null ? subject.platform().apkArch() : e.arch());
        q.put("distro", distro());
        if (e.origin() != null && !e.origin().equals(e.name())) {
            q.put("upstream", e.origin());
        }
        return "pkg:apk/" + enc(osId().toLowerCase(Locale.ROOT)) + "/"
                + enc(e.name().toLowerCase(Locale.ROOT)) + "@" + enc(e.version()) + "?" + qualifiers(q);
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
        Map<String, String> q = new TreeMap<>();
        q.put("arch", subject.platform().architecture());
        q.put("mediaType", mediaType);
        q.put("os", subject.platform().os());
        if (reference.contains("/")) {
            q.put("repository_url", reference);
        }
        if (tag != null && !tag.isEmpty()) {
            q.put("tag", tag);
        }
        String name = reference.substring(reference.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return "pkg:oci/" + enc(name) + "@" + digest + "?" + qualifiers(q);
    }

    private static String qualifiers(Map<String, String> sorted) {
        return String.join(
                "&",
                sorted.entrySet().stream()
                        .map(x -> x.getKey() + "=" + enc(x.getValue()))
                        .toList());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%3A", ":");
    }

    private static Map<String, String> osRelease(FileTree tree) {
        Map<String, String> out = new LinkedHashMap<>();
        tree.get("etc/os-release")
                .or(() -> tree.get("usr/lib/os-release"))
                .filter(n -> n.kind() == FileNode.Kind.FILE)
                .ifPresent(n -> {
                    for (String line : new String(n.content(), StandardCharsets.UTF_8).split("\n")) {
                        int eq = line.indexOf('=');
                        if (eq > 0 && !line.startsWith("#")) {
                            out.put(
                                    line.substring(0, eq).trim(),
                                    line.substring(eq + 1).trim().replaceAll("^\"|\"$", ""));
                        }
                    }
                });
        return out;
    }
}
