package dev.kiln.apk;

/**
 * A package offered by a repository: its index entry, the repository it came from (as written in
 * the config, or a label such as a recipe catalog for packages not built yet) and that repository's
 * position, which breaks ties the way apk-tools' repository order does.
 */
public record RepositoryPackage(IndexEntry entry, String repository, int repositoryOrder) {
    public String name() {
        return entry.name();
    }

    public String version() {
        return entry.version();
    }

    /** The file name in the repository's architecture directory. */
    public String fileName() {
        return entry.name() + "-" + entry.version() + ".apk";
    }

    @Override
    public String toString() {
        return entry.name() + "-" + entry.version();
    }
}
