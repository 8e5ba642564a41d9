package dev.kiln.image.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Java trust store ({@code cacerts}) of trusted certificates, read with the JDK's {@code KeyStore}
 * (JKS, or PKCS12 through the JDK's compatible JKS reader) and written as JKS with entries sorted by
 * alias and dated by the caller. The JDK's own writer dates a new entry with the wall clock, which
 * would make every image build differ; the JKS file format is small and stable, so it is written here
 * instead: magic {@code FEEDFEED}, version 2, then per entry tag 2 (trusted certificate), alias,
 * date in milliseconds, certificate type and DER bytes, closed by the SHA-1 over the password's
 * UTF-16 bytes, the words "Mighty Aphrodite" and everything before.
 */
public final class JavaTruststore {
    public static final String DEFAULT_PASSWORD = "changeit";

    /** Alias → entry, sorted (apko writes ordered aliases too). */
    private final Map<String, Entry> entries = new TreeMap<>();

    private record Entry(Certificate certificate, long dateMillis) {}

    private JavaTruststore() {}

    public static JavaTruststore empty() {
        return new JavaTruststore();
    }

    /** Reads the trusted certificate entries of a JKS or PKCS12 store; key entries are refused. */
    public static JavaTruststore read(byte[] bytes, String password) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("JKS");
        ks.load(new ByteArrayInputStream(bytes), password.toCharArray());
        JavaTruststore out = new JavaTruststore();
        for (String alias : Collections.list(ks.aliases())) {
            if (!ks.isCertificateEntry(alias)) {
                throw new GeneralSecurityException("entry '" + alias + "' is not a trusted certificate");
            }
            Date date = ks.getCreationDate(alias);
            out.entries.put(
                    alias,
                    new Entry(
                            ks.getCertificate(alias),
                            date == null ? 0 : date.toInstant().toEpochMilli()));
        }
        return out;
    }

    /** Adds or replaces the entry {@code alias}, dated {@code epochSeconds}. */
    public void put(String alias, Certificate certificate, long epochSeconds) {
        // JKS aliases are case-insensitive; the JDK stores them lower-cased
        entries.put(alias.toLowerCase(Locale.ROOT), new Entry(certificate, epochSeconds * 1000));
    }

    public int size() {
        return entries.size();
    }

    public byte[] toJks(String password) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(0xFEEDFEED);
            out.writeInt(2);
            out.writeInt(entries.size());
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                out.writeInt(2);
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().dateMillis());
                Certificate c = e.getValue().certificate();
                out.writeUTF(c.getType());
                byte[] der = c.getEncoded();
                out.writeInt(der.length);
                out.write(der);
            }
            out.flush();
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            for (int i = 0; i < password.length(); i++) {
                char ch = password.charAt(i);
                sha1.update((byte) (ch >> 8));
                sha1.update((byte) ch);
            }
            sha1.update("Mighty Aphrodite".getBytes(StandardCharsets.UTF_8));
            sha1.update(bytes.toByteArray());
            out.write(sha1.digest());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode a JKS trust store: " + e.getMessage(), e);
        }
    }
}
