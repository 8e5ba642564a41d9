package dev.kiln.oci.distribution;

/** A registry user name and password (or token); {@link #toString} never shows the password. */
public record Credentials(String username, String password) {
    @Override
    public String toString() {
        return "Credentials[" + username + ", ***]";
    }
}
