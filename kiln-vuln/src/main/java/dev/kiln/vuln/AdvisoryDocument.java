package dev.kiln.vuln;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One {@code ORIGIN.advisories.yaml}: the advisories of one origin package. */
public record AdvisoryDocument(String schemaVersion, String packageName, List<Advisory> advisories) {
    /** The newest schema version this reader understands. */
    public static final String SCHEMA_VERSION = "2.0.2";

    public AdvisoryDocument {
        Objects.requireNonNull(schemaVersion, "schemaVersion");
        Objects.requireNonNull(packageName, "packageName");
        advisories = List.copyOf(advisories);
    }

    /** The advisory with this id, or whose aliases contain it. */
    public Optional<Advisory> find(String idOrAlias) {
        return advisories.stream().filter(a -> a.covers(idOrAlias)).findFirst();
    }

    /** A copy with {@code advisory} added or replacing the one with the same id, kept sorted by id. */
    public AdvisoryDocument with(Advisory advisory) {
        List<Advisory> all = new ArrayList<>(advisories);
        all.removeIf(a -> a.id().equals(advisory.id()));
        all.add(advisory);
        all.sort(Advisory.byId());
        return new AdvisoryDocument(schemaVersion, packageName, all);
    }
}
