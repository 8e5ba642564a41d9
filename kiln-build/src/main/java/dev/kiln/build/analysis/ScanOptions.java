package dev.kiln.build.analysis;

/**
 * The recipe's package options that switch parts of the scan off (melange's {@code options:}).
 *
 * @param noProvides emit no provides at all
 * @param noDepends emit no detected dependencies
 * @param noCommands emit no {@code cmd:} provides
 * @param noVersionedShlibDeps emit no {@code so-ver:} dependencies
 */
public record ScanOptions(boolean noProvides, boolean noDepends, boolean noCommands, boolean noVersionedShlibDeps) {

    public static final ScanOptions DEFAULT = new ScanOptions(false, false, false, false);
}
