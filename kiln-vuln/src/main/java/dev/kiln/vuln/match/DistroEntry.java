package dev.kiln.vuln.match;

import dev.kiln.vuln.EventType;
import dev.kiln.vuln.FalsePositiveType;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the distribution's own data says about one vulnerability of one origin package: fixed in a version,
 * not affected (a NAK, fix version {@code "0"}), or still open in state {@code state}.
 */
public record DistroEntry(
        String advisoryId,
        List<String> ids,
        Status status,
        @Nullable String fixedVersion,
        EventType state,
        @Nullable FalsePositiveType falsePositiveType,
        @Nullable String note) {

    public enum Status {
        FIXED,
        NOT_AFFECTED,
        UNFIXED
    }

    public DistroEntry {
        ids = List.copyOf(ids);
    }

    public boolean covers(String id) {
        return ids.contains(id) || id.equals(advisoryId);
    }

    /** The id people search for: the CVE when there is one, else the first id. */
    public String primaryId() {
        return Matcher.primary(ids);
    }

    /** The OpenVEX justification of a NAK, or a readable reason. */
    public String justification() {
        return falsePositiveType != null ? falsePositiveType.vexJustification() : "not_affected";
    }
}
