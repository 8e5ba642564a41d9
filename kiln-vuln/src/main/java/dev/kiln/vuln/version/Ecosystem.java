package dev.kiln.vuln.version;

import java.util.Locale;
import java.util.Optional;

/** Package ecosystems of the inventory, with their OSV ecosystem names, purl types and version orderings. */
public enum Ecosystem {
    APK("Wolfi", "apk", VersionScheme.APK),
    DEBIAN("Debian", "deb", VersionScheme.DPKG),
    PYPI("PyPI", "pypi", VersionScheme.PEP440),
    MAVEN("Maven", "maven", VersionScheme.MAVEN),
    NPM("npm", "npm", VersionScheme.SEMVER),
    GO("Go", "golang", VersionScheme.SEMVER);

    private final String osvName;
    private final String purlType;
    private final VersionScheme scheme;

    Ecosystem(String osvName, String purlType, VersionScheme scheme) {
        this.osvName = osvName;
        this.purlType = purlType;
        this.scheme = scheme;
    }

    public String osvName() {
        return osvName;
    }

    public String purlType() {
        return purlType;
    }

    public VersionScheme scheme() {
        return scheme;
    }

    /** The name as this ecosystem compares names: PyPI's PEP 503 normalisation (OSV PyPI records use it too), else as is. */
    public String normalizeName(String name) {
        return this == PYPI ? name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-") : name;
    }

    /** True for operating-system package ecosystems (those that own files). */
    public boolean isOs() {
        return this == APK || this == DEBIAN;
    }

    /**
     * The ecosystem of an OSV ecosystem string ({@code Debian:12}, {@code Alpine:v3.20}, {@code Wolfi},
     * {@code Chainguard}, {@code Kiln}, {@code PyPI}, …); APK distributions all map to {@link #APK}.
     */
    public static Optional<Ecosystem> ofOsv(String ecosystem) {
        String base = ecosystem.contains(":") ? ecosystem.substring(0, ecosystem.indexOf(':')) : ecosystem;
        return switch (base.toLowerCase(Locale.ROOT)) {
            case "wolfi", "chainguard", "alpine", "kiln", "minimos", "echo" -> Optional.of(APK);
            case "debian", "ubuntu" -> Optional.of(DEBIAN);
            case "pypi" -> Optional.of(PYPI);
            case "maven" -> Optional.of(MAVEN);
            case "npm" -> Optional.of(NPM);
            case "go" -> Optional.of(GO);
            default -> Optional.empty();
        };
    }
}
