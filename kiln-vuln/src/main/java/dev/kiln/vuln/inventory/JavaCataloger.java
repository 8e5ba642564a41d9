package dev.kiln.vuln.inventory;

import dev.kiln.vuln.version.Ecosystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Java archives and the archives nested in them. Each {@code META-INF/maven/G/A/pom.properties} is a package
 * (shaded jars hold several); an archive without one falls back to its manifest
 * ({@code Implementation-Title}/{@code Bundle-SymbolicName} and version).
 */
final class JavaCataloger {
    private static final int MAX_DEPTH = 4;

    private JavaCataloger() {
    }

    static List<InstalledPackage> catalog(Rootfs fs) {
        List<InstalledPackage> out = new ArrayList<>();
        for (String f : fs.files(p -> Inventories.isJavaArchive(p.substring(p.lastIndexOf('/') + 1)))) {
            byte[] content = fs.read(f).orElse(null);
            if (content != null) {
                archive(content, f, 0, out);
            }
        }
        return out;
    }

    private static void archive(byte[] bytes, String location, int depth, List<InstalledPackage> out) {
        Map<String, Properties> poms = new LinkedHashMap<>();
        Manifest manifest = null;
        List<Map.Entry<String, byte[]>> nested = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                String name = e.getName();
                if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
                    Properties p = new Properties();
                    p.load(new java.io.StringReader(new String(zip.readAllBytes(), StandardCharsets.UTF_8)));
                    poms.put(name, p);
                } else if (name.equals("META-INF/MANIFEST.MF")) {
                    manifest = new Manifest(new NonClosing(zip));
                } else if (depth < MAX_DEPTH && Inventories.isJavaArchive(name)) {
                    nested.add(Map.entry(name, zip.readAllBytes()));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return; // not a readable archive: nothing to report from it
        }
        for (Map.Entry<String, Properties> e : poms.entrySet()) {
            Properties p = e.getValue();
            String group = p.getProperty("groupId", "");
            String artifact = p.getProperty("artifactId", "");
            String version = p.getProperty("version", "");
            if (!group.isEmpty() && !artifact.isEmpty() && !version.isEmpty()) {
                out.add(new InstalledPackage(Ecosystem.MAVEN, group + ":" + artifact, version, null, null,
                        Purls.of("maven", group, artifact, version), List.of(location + "!/" + e.getKey()), List.of()));
            }
        }
        if (poms.isEmpty() && manifest != null) {
            Attributes a = manifest.getMainAttributes();
            String name = first(a.getValue("Implementation-Title"), symbolicName(a.getValue("Bundle-SymbolicName")));
            String version = first(a.getValue("Implementation-Version"), a.getValue("Bundle-Version"));
            if (name != null && version != null) {
                String group = a.getValue("Implementation-Vendor-Id");
                String full = group == null ? name : group + ":" + name;
                out.add(new InstalledPackage(Ecosystem.MAVEN, full, version, null, null,
                        Purls.of("maven", group, name, version), List.of(location + "!/META-INF/MANIFEST.MF"),
                        List.of()));
            }
        }
        for (Map.Entry<String, byte[]> n : nested) {
            archive(n.getValue(), location + "!/" + n.getKey(), depth + 1, out);
        }
    }

    private static String symbolicName(String s) {
        return s == null ? null : s.split(";")[0].trim();
    }

    private static String first(String a, String b) {
        return a != null && !a.isBlank() ? a.trim() : b != null && !b.isBlank() ? b.trim() : null;
    }

    /** Manifest reads its stream to the end; the zip entry must stay readable, so closing is ignored. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
