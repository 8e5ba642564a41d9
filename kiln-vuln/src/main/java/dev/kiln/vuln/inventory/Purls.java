package dev.kiln.vuln.inventory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Package URLs as syft writes them, so VEX subcomponents and SBOMs agree byte for byte. */
public final class Purls {
    private Purls() {
    }

    public static String apk(OsRelease os, String name, String version, String arch, String origin) {
        return osPackage("apk", "unknown", os, name, version, arch, origin);
    }

    public static String deb(OsRelease os, String name, String version, String arch, String source) {
        return osPackage("deb", "debian", os, name, version, arch, source);
    }

    /** {@code pkg:TYPE/DISTRO/NAME@VERSION?arch=&distro=ID-VERSION_ID&upstream=}, as syft writes OS packages. */
    private static String osPackage(String type, String unknownDistro, OsRelease os, String name, String version,
            String arch, String upstream) {
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
        return "pkg:" + type + "/" + (os.id().isEmpty() ? unknownDistro : os.id()) + "/" + enc(name) + "@" + enc(version)
                + qualifiers(q);
    }

    public static String of(String type, String namespace, String name, String version) {
        return "pkg:" + type + "/" + (namespace == null || namespace.isEmpty() ? "" : enc(namespace).replace("%2F", "/") + "/")
                + enc(name) + "@" + enc(version);
    }

    private static String qualifiers(Map<String, String> q) {
        if (q.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("?");
        q.forEach((k, v) -> sb.append(sb.length() > 1 ? "&" : "").append(k).append('=').append(enc(v)));
        return sb.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%7E", "~");
    }
}
