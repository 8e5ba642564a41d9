package dev.kiln.vuln.version;

import dev.kiln.apk.ApkVersion;
import dev.kiln.vuln.VulnException;

/** Version orderings of the ecosystems the scanner matches; nobody compares versions as strings. */
public enum VersionScheme {
    APK {
        @Override
        public int compare(String a, String b) {
            return ApkVersion.compare(a, b);
        }

        @Override
        public boolean isValid(String v) {
            return ApkVersion.isValid(v);
        }
    },
    DPKG {
        @Override
        public int compare(String a, String b) {
            return DpkgVersions.compare(a, b);
        }

        @Override
        public boolean isValid(String v) {
            return DpkgVersions.isValid(v);
        }
    },
    /** Semantic versioning 2.0 (npm, Go with a leading {@code v}, OSV {@code SEMVER} ranges). */
    SEMVER {
        @Override
        public int compare(String a, String b) {
            return SemVers.compare(a, b);
        }

        @Override
        public boolean isValid(String v) {
            return SemVers.isValid(v);
        }
    },
    PEP440 {
        @Override
        public int compare(String a, String b) {
            return Pep440Versions.compare(a, b);
        }

        @Override
        public boolean isValid(String v) {
            return Pep440Versions.isValid(v);
        }
    },
    MAVEN {
        @Override
        public int compare(String a, String b) {
            return MavenVersions.compare(a, b);
        }

        @Override
        public boolean isValid(String v) {
            return v != null && !v.isBlank();
        }
    };

    /** Negative, zero or positive as {@code a} sorts before, with or after {@code b}. */
    public abstract int compare(String a, String b);

    public abstract boolean isValid(String version);

    /** Throws naming the version and scheme when {@code version} does not parse. */
    public String require(String version, String where) {
        if (!isValid(version)) {
            throw new VulnException(where + ": '" + version + "' is not a valid " + name() + " version");
        }
        return version;
    }
}
