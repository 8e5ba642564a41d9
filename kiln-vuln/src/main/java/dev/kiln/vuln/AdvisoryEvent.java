package dev.kiln.vuln;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** One event in an advisory's history; the latest by timestamp is the advisory's current state. */
public record AdvisoryEvent(Instant timestamp, EventType type, EventData data) {
    public AdvisoryEvent {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Class<? extends EventData> expected = switch (type) {
            case DETECTION -> EventData.Detection.class;
            case FIXED -> EventData.Fixed.class;
            case FALSE_POSITIVE_DETERMINATION -> EventData.FalsePositive.class;
            default -> EventData.Note.class;
        };
        if (!expected.isInstance(data)) {
            throw new VulnException("advisory event at " + timestamp + " of type " + type.wireName() + ": data must be "
                    + expected.getSimpleName() + ", found " + data.getClass().getSimpleName());
        }
    }

    public static AdvisoryEvent fixed(Instant at, String version) {
        return new AdvisoryEvent(at, EventType.FIXED, new EventData.Fixed(version));
    }

    public static AdvisoryEvent falsePositive(Instant at, FalsePositiveType type, @Nullable String note) {
        return new AdvisoryEvent(at, EventType.FALSE_POSITIVE_DETERMINATION, new EventData.FalsePositive(type, note));
    }

    public static AdvisoryEvent note(Instant at, EventType type, @Nullable String note) {
        return new AdvisoryEvent(at, type, new EventData.Note(note));
    }

    public static AdvisoryEvent manualDetection(Instant at) {
        return new AdvisoryEvent(at, EventType.DETECTION, new EventData.Detection("manual", Map.of()));
    }

    /** The fix version when this is a {@code fixed} event, else null. */
    public @Nullable String fixedVersion() {
        return data instanceof EventData.Fixed f ? f.fixedVersion() : null;
    }
}
