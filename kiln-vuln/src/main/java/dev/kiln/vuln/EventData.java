package dev.kiln.vuln;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The type-specific {@code data} of an advisory event, decoded strictly per event type. */
public sealed interface EventData {

    /**
     * {@code detection}: {@code kind} is {@code manual}, {@code nvdapi} or {@code scan/v1}; {@code details}
     * holds the kind's fields in file order (empty for manual).
     */
    record Detection(String kind, Map<String, String> details) implements EventData {
        public Detection {
            Objects.requireNonNull(kind, "kind");
            details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    /** {@code fixed}: the first package version (with {@code -rN}) that contains the fix. */
    record Fixed(String fixedVersion) implements EventData {
        public Fixed {
            Objects.requireNonNull(fixedVersion, "fixedVersion");
        }
    }

    /** {@code false-positive-determination}. */
    record FalsePositive(FalsePositiveType type, @Nullable String note) implements EventData {
        public FalsePositive {
            Objects.requireNonNull(type, "type");
        }
    }

    /** Events whose data is only a note; {@code note} may be null. */
    record Note(@Nullable String note) implements EventData {}
}
