package dev.kiln.vuln;

import java.util.Arrays;
import java.util.Optional;

/** Advisory event types of advisory schema 2.x, with their wire names. */
public enum EventType {
    DETECTION("detection"),
    TRUE_POSITIVE_DETERMINATION("true-positive-determination"),
    FIXED("fixed"),
    FALSE_POSITIVE_DETERMINATION("false-positive-determination"),
    ANALYSIS_NOT_PLANNED("analysis-not-planned"),
    FIX_NOT_PLANNED("fix-not-planned"),
    PENDING_UPSTREAM_FIX("pending-upstream-fix");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> ofWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    /** True for the states that leave a vulnerability open (no fix, no false-positive verdict). */
    public boolean unresolved() {
        return this != FIXED && this != FALSE_POSITIVE_DETERMINATION;
    }
}
