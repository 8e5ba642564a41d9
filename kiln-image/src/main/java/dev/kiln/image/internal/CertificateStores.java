package dev.kiln.image.internal;

import dev.kiln.apk.Dependency;
import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.apk.InstalledPackage;
import dev.kiln.content.Hashing;
import dev.kiln.image.ImageException;
import dev.kiln.image.ImageSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code certificates} as apko installs them ({@code chainguard-dev/apko: pkg/build/certificates.go}):
 * each {@code additional} certificate is written to {@code usr/local/share/ca-certificates/NAME-SHA256.crt}
 * (where update-ca-certificates looks), and it and the {@code .crt}/{@code .pem} files there of every
 * installed package that provides one of the {@code providers} names are appended to each CA bundle and
 * added to the Java trust store that the image has. Each bundle and trust store then gets a
 * {@code sha256sum}-style sidecar ({@code .ca-certificates.crt.sha256}), so that integrity tools can
 * check it was not changed after the build.
 *
 * <p>Two differences from apko, both so that nothing asked for is silently missing: the main bundle
 * {@code etc/ssl/certs/ca-certificates.crt} is created when no package shipped it (the image's
 * {@code SSL_CERT_FILE} points there), and a provider name that no installed package provides is an
 * error rather than nothing.
 */
public final class CertificateStores {
    public static final String CERTS_DIR = "usr/local/share/ca-certificates";
    public static final String MAIN_BUNDLE = "etc/ssl/certs/ca-certificates.crt";
    /** The bundle paths apko appends to: Alpine's, AWS ECS's and Kaniko's. */
    static final List<String> BUNDLES = List.of(
            MAIN_BUNDLE,
            "var/lib/ecs/deps/execute-command/certs/tls-ca-bundle.pem",
            "kaniko/ssl/certs/ca-certificates.crt");

    public static final String JAVA_CACERTS = "etc/ssl/certs/java/cacerts";

    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private CertificateStores() {}

    private record Cert(X509Certificate x509, String pem, String fingerprint, String alias) {}

    public static void apply(
            FileTree tree, ImageSpec.Certificates config, List<InstalledPackage> installed, long epoch) {
        List<Cert> certs = new ArrayList<>();
        for (ImageSpec.NamedContent additional : config.additional()) {
            Cert c = parse(
                    additional.content(), "certificates.additional '" + additional.name() + "'", additional.name());
            certs.add(c);
            tree.mkdirs(CERTS_DIR, 0755, 0, 0, epoch);
            tree.put(FileNode.file(
                    CERTS_DIR + "/" + c.alias() + ".crt",
                    c.pem().getBytes(StandardCharsets.US_ASCII),
                    0644,
                    0,
                    0,
                    epoch));
        }
        certs.addAll(fromProviders(tree, config.providers(), installed));
        if (!certs.isEmpty()) {
            appendToBundles(tree, certs, epoch);
            addToJavaTruststore(tree, certs, epoch);
        }
        writeChecksums(tree, epoch);
    }

    /** Certificates of the installed packages that provide one of {@code providers}, by path. */
    private static List<Cert> fromProviders(FileTree tree, List<String> providers, List<InstalledPackage> installed) {
        List<String> paths = new ArrayList<>();
        for (String provider : providers) {
            List<InstalledPackage> owners = installed.stream()
                    .filter(p -> p.name().equals(provider)
                            || p.entry().provides().stream()
                                    .anyMatch(atom ->
                                            Dependency.parse(atom).name().equals(provider)))
                    .toList();
            if (owners.isEmpty()) {
                throw new ImageException("certificates.providers '" + provider + "': no installed package provides it;"
                        + " add a package that provides '" + provider + "' to contents.packages");
            }
            for (InstalledPackage p : owners) {
                for (FileNode f : p.files()) {
                    String path = FileTree.normalize(f.path());
                    if (f.kind() != FileNode.Kind.DIRECTORY
                            && path.startsWith(CERTS_DIR + "/")
                            && (path.endsWith(".crt") || path.endsWith(".pem"))) {
                        paths.add(path);
                    }
                }
            }
        }
        List<Cert> out = new ArrayList<>();
        for (String path : paths.stream().distinct().sorted().toList()) {
            FileNode node = tree.get(path).orElse(null);
            if (node == null || node.kind() != FileNode.Kind.FILE) {
                continue;
            }
            try {
                out.add(parse(new String(node.content(), StandardCharsets.US_ASCII), "/" + path, "pkg"));
            } catch (ImageException e) {
                // apko skips a provider's file that is not exactly one certificate (a README, a bundle)
            }
        }
        return out;
    }

    /** Exactly one PEM certificate, re-encoded without any text around it. */
    private static Cert parse(String pemText, String what, String aliasPrefix) {
        Matcher m = PEM.matcher(pemText == null ? "" : pemText);
        X509Certificate cert = null;
        while (m.find()) {
            if (cert != null) {
                throw new ImageException(what + ": holds more than one certificate; give one per entry");
            }
            if (!m.group(1).equals("CERTIFICATE")) {
                throw new ImageException(what + ": expected a CERTIFICATE block, found " + m.group(1));
            }
            try {
                byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                cert = (X509Certificate)
                        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            } catch (CertificateException | IllegalArgumentException e) {
                throw new ImageException(what + ": not a valid X.509 certificate: " + e.getMessage(), e);
            }
        }
        if (cert == null) {
            throw new ImageException(what + ": no PEM certificate (-----BEGIN CERTIFICATE-----) found");
        }
        try {
            byte[] der = cert.getEncoded();
            String fingerprint = Hashing.sha256Hex(der);
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                    + "\n-----END CERTIFICATE-----\n";
            return new Cert(cert, pem, fingerprint, aliasPrefix + "-" + fingerprint);
        } catch (CertificateException e) {
            throw new ImageException(what + ": cannot encode the certificate: " + e.getMessage(), e);
        }
    }

    private static void appendToBundles(FileTree tree, List<Cert> certs, long epoch) {
        for (String bundle : BUNDLES) {
            FileNode existing = tree.get(bundle).orElse(null);
            if (existing == null && !bundle.equals(MAIN_BUNDLE)) {
                continue;
            }
            if (existing != null && existing.kind() != FileNode.Kind.FILE) {
                throw new ImageException("certificates: /" + bundle + " is a " + existing.kind()
                        + " in the image, not a file; cannot append the certificates to it");
            }
            StringBuilder sb = new StringBuilder();
            if (existing != null) {
                sb.append(new String(existing.content(), StandardCharsets.UTF_8));
            }
            for (Cert c : certs) {
                sb.append(c.pem()).append('\n');
            }
            int mode = existing == null ? 0644 : existing.mode();
            long uid = existing == null ? 0 : existing.uid();
            long gid = existing == null ? 0 : existing.gid();
            tree.mkdirs(bundle.substring(0, bundle.lastIndexOf('/')), 0755, 0, 0, epoch);
            tree.put(FileNode.file(bundle, sb.toString().getBytes(StandardCharsets.UTF_8), mode, uid, gid, epoch));
        }
    }

    /** A package (java-cacerts, a JRE) shipped a trust store: the certificates join it, as keytool would add them. */
    private static void addToJavaTruststore(FileTree tree, List<Cert> certs, long epoch) {
        FileNode existing = tree.get(JAVA_CACERTS).orElse(null);
        if (existing == null || existing.kind() != FileNode.Kind.FILE) {
            return;
        }
        JavaTruststore store;
        try {
            store = JavaTruststore.read(
                    Objects.requireNonNull(existing.content(), "a file node carries its content"),
                    JavaTruststore.DEFAULT_PASSWORD);
        } catch (GeneralSecurityException | IOException e) {
            throw new ImageException(
                    "certificates: cannot read the Java trust store /" + JAVA_CACERTS + " with the password '"
                            + JavaTruststore.DEFAULT_PASSWORD + "': " + e.getMessage(),
                    e);
        }
        for (Cert c : certs) {
            store.put(c.alias(), c.x509(), epoch);
        }
        tree.put(FileNode.file(
                JAVA_CACERTS,
                store.toJks(JavaTruststore.DEFAULT_PASSWORD),
                existing.mode(),
                existing.uid(),
                existing.gid(),
                epoch));
    }

    private static void writeChecksums(FileTree tree, long epoch) {
        List<String> stores = new ArrayList<>(BUNDLES);
        stores.add(JAVA_CACERTS);
        for (String path : stores) {
            FileNode node = tree.get(path).orElse(null);
            if (node == null || node.kind() != FileNode.Kind.FILE) {
                continue;
            }
            int slash = path.lastIndexOf('/');
            String name = path.substring(slash + 1);
            String line = Hashing.sha256Hex(Objects.requireNonNull(node.content(), "a file node carries its content"))
                    + "  " + name + "\n";
            tree.put(FileNode.file(
                    path.substring(0, slash) + "/." + name + ".sha256",
                    line.getBytes(StandardCharsets.UTF_8),
                    0444,
                    0,
                    0,
                    epoch));
        }
    }
}
