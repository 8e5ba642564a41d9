package dev.kiln.vuln.inventory;

import dev.kiln.content.Hashing;
import dev.kiln.vuln.version.Ecosystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Java archives and the archives nested in them, read through the zip central directory. Each
 * {@code META-INF/maven/G/A/pom.properties} is a package (shaded jars hold several); an archive without one
 * falls back to its manifest when that names plausible coordinates, else to its file name and SHA-1.
 */
final class JavaCataloger {
    private static final int MAX_DEPTH = 4;
    /** A Maven groupId or artifactId as Maven Central has them: no spaces, no brackets. */
    private static final Pattern COORDINATE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    /** A release-style version: digits first, then dot/dash/plus separated words; no spaces or brackets. */
    private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*([.+-][A-Za-z0-9]+)*");
    /** {@code NAME-VERSION} of a jar file name, the version starting at the first "-digit". */
    private static final Pattern FILE_VERSION = Pattern.compile("(.+?)-([0-9][A-Za-z0-9.+_-]*)");

    private JavaCataloger() {}

    static List<InventoryPackage> catalog(Rootfs fs) {
        List<InventoryPackage> out = new ArrayList<>();
        for (String f : fs.files(p -> Inventories.isJavaArchive(p.substring(p.lastIndexOf('/') + 1)))) {
            byte[] content = fs.read(f).orElse(null);
            if (content != null) {
                archive(content, f, 0, out);
            }
        }
        return out;
    }

    private static void archive(byte[] bytes, String location, int depth, List<InventoryPackage> out) {
        ZipArchive zip = ZipArchive.open(bytes).orElse(null);
        if (zip == null) {
            return; // not a readable archive: nothing to report from it
        }
        Map<String, Properties> poms = new LinkedHashMap<>();
        Manifest manifest = null;
        List<Map.Entry<String, byte[]>> nested = new ArrayList<>();
        boolean code = false;
        for (ZipArchive.Entry e : zip.entries()) {
            String name = e.name();
            code |= name.endsWith(".class");
            boolean pom = name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties");
            boolean mf = name.equals("META-INF/MANIFEST.MF");
            boolean inner = depth < MAX_DEPTH && Inventories.isJavaArchive(name);
            if (!pom && !mf && !inner) {
                continue;
            }
            byte[] content = zip.read(e).orElse(null);
            if (content == null) {
                continue; // one unreadable entry does not hide the rest of the archive
            }
            try {
                if (pom) {
                    Properties p = new Properties();
                    p.load(new StringReader(new String(content, StandardCharsets.UTF_8)));
                    poms.put(name, p);
                } else if (mf) {
                    manifest = new Manifest(new ByteArrayInputStream(content));
                } else {
                    nested.add(Map.entry(name, content));
                }
            } catch (IOException | IllegalArgumentException ex) {
                // a malformed properties file or manifest says nothing; the other entries still count
            }
        }
        for (Map.Entry<String, Properties> e : poms.entrySet()) {
            Properties p = e.getValue();
            String group = p.getProperty("groupId", "");
            String artifact = p.getProperty("artifactId", "");
            String version = p.getProperty("version", "");
            if (!group.isEmpty() && !artifact.isEmpty() && !version.isEmpty()) {
                String coordinates = group + ":" + artifact;
                out.add(new InventoryPackage(
                        Ecosystem.MAVEN,
                        coordinates,
                        version,
                        coordinates, // a language package is its own origin
                        null,
                        Purls.of("maven", group, artifact, version),
                        List.of(location + "!/" + e.getKey()),
                        List.of()));
            }
        }
        if (poms.isEmpty() && code) { // an archive of only nested archives is a container, reported through them
            out.add(fromManifest(manifest, bytes, location));
        }
        for (Map.Entry<String, byte[]> n : nested) {
            archive(n.getValue(), location + "!/" + n.getKey(), depth + 1, out);
        }
    }

    /**
     * An archive without {@code pom.properties}. The manifest names Maven coordinates only when it has a
     * group ({@code Implementation-Vendor-Id}), an artifact id (the file name's stem before the version, or a
     * title without spaces) and a version that look like Maven's; titles such as "Java Runtime Environment"
     * and versions such as "5.13.0 (b0)" do not, and an OSGi symbolic name is not a group. Anything less is
     * reported as the file with its SHA-1, which is what Maven Central's search looks archives up by.
     */
    private static InventoryPackage fromManifest(@Nullable Manifest manifest, byte[] bytes, String location) {
        String file = location.substring(Math.max(location.lastIndexOf('/'), location.lastIndexOf('!')) + 1);
        String stem = file.contains(".") ? file.substring(0, file.lastIndexOf('.')) : file;
        if (manifest != null) {
            Attributes a = manifest.getMainAttributes();
            String group = a.getValue("Implementation-Vendor-Id");
            String version = first(a.getValue("Implementation-Version"), a.getValue("Bundle-Version"));
            String artifact = version != null && stem.endsWith("-" + version)
                    ? stem.substring(0, stem.length() - version.length() - 1)
                    : a.getValue("Implementation-Title");
            if (group != null
                    && COORDINATE.matcher(group.trim()).matches()
                    && artifact != null
                    && COORDINATE.matcher(artifact.trim()).matches()
                    && version != null
                    && VERSION.matcher(version).matches()) {
                group = group.trim();
                artifact = artifact.trim();
                String coordinates = group + ":" + artifact;
                return new InventoryPackage(
                        Ecosystem.MAVEN,
                        coordinates,
                        version,
                        coordinates, // a language package is its own origin
                        null,
                        Purls.of("maven", group, artifact, version),
                        List.of(location + "!/META-INF/MANIFEST.MF"),
                        List.of());
            }
        }
        Matcher m = FILE_VERSION.matcher(stem);
        String version = m.matches() ? m.group(2) : "";
        return new InventoryPackage(Ecosystem.MAVEN, file, version, file, null, null, List.of(location), List.of())
                .withSha1(Hashing.sha1Hex(bytes));
    }

    private static @Nullable String first(@Nullable String a, @Nullable String b) {
        return a != null && !a.isBlank() ? a.trim() : b != null && !b.isBlank() ? b.trim() : null;
    }
}
