package dev.kiln.vuln.inventory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Package URLs in the purl specification's canonical encoding (docs/standard/characters-and-encoding.md):
 * letters, digits and {@code .-_~} stay as they are, and so does {@code ':'} wherever it appears (a Debian
 * epoch {@code 1:2.3-4} is written as is); every other byte of the UTF-8 form is percent-encoded, so
 * {@code '+'} is {@code %2B} and a space {@code %20}. VEX subcomponents and SBOMs take their purls from here.
 */
public final class Purls {
    private Purls() {}

    public static String apk(OsRelease os, String name, String version, String arch, String origin) {
        return osPackage("apk", "unknown", os, name, version, arch, origin);
    }

    public static String deb(OsRelease os, String name, String version, String arch, String source) {
        return osPackage("deb", "debian", os, name, version, arch, source);
    }

    /** {@code pkg:TYPE/DISTRO/NAME@VERSION?arch=&distro=ID-VERSION_ID&upstream=}, as syft writes OS packages. */
    private static String osPackage(
            String type,
            String unknownDistro,
            OsRelease os,
            String name,
            String version,
            String arch,
            String upstream) {
        Map<String, String> q = new TreeMap<>();
        if (arch != null && !arch.isEmpty()) {
            q.put("arch", arch);
        }
        if (!os.id().isEmpty()) {
            q.put("distro", os.id() + (os.versionId().isEmpty() ? "" : "-" + os.versionId()));
        }
        if (upstream != null && !upstream.equals(name)) {
            q.put("upstream", upstream);
        }
        return "pkg:" + type + "/" + (os.id().isEmpty() ? unknownDistro : os.id()) + "/" + enc(name) + "@"
                + enc(version) + qualifiers(q);
    }

    public static String of(String type, String namespace, String name, String version) {
        return "pkg:" + type + "/"
                + (namespace == null || namespace.isEmpty()
                        ? ""
                        : enc(namespace).replace("%2F", "/") + "/") + enc(name) + "@" + enc(version);
    }

    private static String qualifiers(Map<String, String> q) {
        if (q.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("?");
        q.forEach((k, v) ->
                sb.append(sb.length() > 1 ? "&" : "").append(k).append('=').append(enc(v)));
        return sb.toString();
    }

    static String enc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ".-_~:".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
