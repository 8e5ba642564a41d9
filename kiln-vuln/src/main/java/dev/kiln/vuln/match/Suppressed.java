package dev.kiln.vuln.match;

/** A match the scanner dropped, with the reason and the justification or version behind it. */
public record Suppressed(Finding finding, Reason reason, String detail) {
    public enum Reason {
        /** The origin's advisories say the package was never affected ({@code "0"}). */
        NAK,
        /** An OpenVEX statement says {@code not_affected} or {@code fixed}. */
        VEX,
        /** A language package inside an OS package whose origin fixed or NAK'd the vulnerability. */
        OWNERSHIP
    }
}
