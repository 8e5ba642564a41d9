package dev.kiln.apk;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Public keys trusted for signature verification, by file name (what {@code .SIGN.*} entries name). */
public final class TrustedKeys {
    private final Map<String, PublicKey> keys;

    private TrustedKeys(Map<String, PublicKey> keys) {
        this.keys = Map.copyOf(keys);
    }

    public static TrustedKeys of(Map<String, PublicKey> keys) {
        return new TrustedKeys(keys);
    }

    /** Trusts exactly the public half of {@code key}, under {@link ApkSigningKey#publicKeyName()}. */
    public static TrustedKeys of(ApkSigningKey key) {
        return new TrustedKeys(Map.of(key.publicKeyName(), key.publicKey()));
    }

    /** Loads PEM public keys from files and from the regular files of directories (like /etc/apk/keys). */
    public static TrustedKeys load(Collection<Path> publicKeyFilesOrDirs) {
        Map<String, PublicKey> keys = new TreeMap<>();
        for (Path p : publicKeyFilesOrDirs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        keys.put(f.getFileName().toString(), readPublicKey(f));
                    }
                } catch (IOException e) {
                    throw new ApkException("cannot list trusted keys in " + p + ": " + e.getMessage(), e);
                }
            } else {
                keys.put(p.getFileName().toString(), readPublicKey(p));
            }
        }
        return new TrustedKeys(keys);
    }

    private static PublicKey readPublicKey(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object pem = parser.readObject();
            if (pem instanceof SubjectPublicKeyInfo info) {
                return new JcaPEMKeyConverter().getPublicKey(info);
            }
            throw new ApkException("trusted key " + file + ": expected '-----BEGIN PUBLIC KEY-----', found "
                    + (pem == null ? "no PEM object" : pem.getClass().getSimpleName()));
        } catch (IOException e) {
            throw new ApkException("cannot read trusted key " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * These keys and {@code more}; a name both trust must be the same key, since signatures name
     * their key only by file name and a silent choice would change what verifies.
     */
    public TrustedKeys and(TrustedKeys more) {
        Map<String, PublicKey> all = new TreeMap<>(keys);
        more.keys.forEach((name, key) -> {
            PublicKey before = all.putIfAbsent(name, key);
            if (before != null && !before.equals(key)) {
                throw new ApkException("two different trusted keys are named " + name);
            }
        });
        return new TrustedKeys(all);
    }

    public Optional<PublicKey> find(String name) {
        return Optional.ofNullable(keys.get(name));
    }

    public SortedSet<String> names() {
        return new TreeSet<>(keys.keySet());
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }
}
