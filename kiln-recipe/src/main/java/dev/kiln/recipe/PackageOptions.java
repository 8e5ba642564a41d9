package dev.kiln.recipe;

/** Switches for automatic dependency detection (apk.md section 5). */
public record PackageOptions(boolean noProvides, boolean noDepends, boolean noCommands, boolean noVersionedShlibDeps) {
    public static final PackageOptions DEFAULT = new PackageOptions(false, false, false, false);
}
