package dev.kiln.apk;

/** One {@code .SIGN.ALGORITHM.KEYNAME} entry: e.g. algorithm {@code RSA256}, key name {@code kiln.rsa.pub}. */
// bytes carried as they are; nothing compares these records with equals (arrays compare by identity)
@SuppressWarnings("ArrayRecordComponent")
public record ApkSignature(String algorithm, String keyName, byte[] signature) {
    public ApkSignature {
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** Parses an entry name such as {@code .SIGN.RSA256.kiln.rsa.pub}. */
    static ApkSignature fromEntry(String entryName, byte[] content) {
        String rest = entryName.substring(".SIGN.".length());
        int dot = rest.indexOf('.');
        if (dot <= 0 || dot == rest.length() - 1) {
            throw new ApkException("malformed signature entry '" + entryName + "': expected .SIGN.ALGORITHM.KEYNAME");
        }
        return new ApkSignature(rest.substring(0, dot), rest.substring(dot + 1), content);
    }

    @Override
    public String toString() {
        return ".SIGN." + algorithm + "." + keyName;
    }
}
