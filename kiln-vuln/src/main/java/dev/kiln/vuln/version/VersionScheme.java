package dev.kiln.vuln.version;

import dev.kiln.apk.ApkVersion;
import dev.kiln.vuln.VulnException;
import java.util.Comparator;
import java.util.function.Predicate;

/** Version orderings of the ecosystems the scanner matches; nobody compares versions as strings. */
public enum VersionScheme {
    APK(ApkVersion::compare, ApkVersion::isValid),
    DPKG(DpkgVersions::compare, DpkgVersions::isValid),
    /** Semantic versioning 2.0 (npm, Go with a leading {@code v}, OSV {@code SEMVER} ranges). */
    SEMVER(SemVers::compare, SemVers::isValid),
    PEP440(Pep440Versions::compare, Pep440Versions::isValid),
    MAVEN(MavenVersions::compare, v -> v != null && !v.isBlank());

    @SuppressWarnings("ImmutableEnumChecker") // stateless method references
    private final Comparator<String> order;

    @SuppressWarnings("ImmutableEnumChecker") // stateless method references and a lambda
    private final Predicate<String> valid;

    VersionScheme(Comparator<String> order, Predicate<String> valid) {
        this.order = order;
        this.valid = valid;
    }

    /** Negative, zero or positive as {@code a} sorts before, with or after {@code b}. */
    public int compare(String a, String b) {
        return order.compare(a, b);
    }

    public boolean isValid(String version) {
        return valid.test(version);
    }

    /** Throws naming the version and scheme when {@code version} does not parse. */
    public String require(String version, String where) {
        if (!isValid(version)) {
            throw new VulnException(where + ": '" + version + "' is not a valid " + name() + " version");
        }
        return version;
    }
}
