package dev.kiln.server;

import dev.kiln.build.BuildListener;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One thing a reconcile did or is doing, in a form every front end renders without knowing the
 * engines: {@code text} for a person (a terminal line, a row of the activity page), {@code fields}
 * for a machine (a {@code --json} line, the JSON API), with {@code fields.event} naming the kind.
 */
public record ReconcileEvent(String kind, String text, Map<String, Object> fields) {
    public ReconcileEvent {
        // insertion order kept: JSON lines read best with the kind first
        Map<String, Object> copy = new LinkedHashMap<>();
        copy.put("event", kind);
        copy.putAll(fields);
        fields = Collections.unmodifiableMap(copy);
    }

    /** An event whose fields are given as alternating names and values (null values kept). */
    public static ReconcileEvent of(String kind, String text, @Nullable Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new ReconcileEvent(kind, text, map);
    }

    /** A package build's progress as the reconcile reports it. */
    public static ReconcileEvent of(BuildListener.BuildEvent event) {
        String text = switch (event.kind()) {
            case STEP ->
                String.format("  [%d/%d] %s: %s", event.index(), event.total(), event.packageName(), event.message());
            case WARNING -> "  warning: " + event.packageName() + ": " + event.message();
            case ENVIRONMENT -> "==> environment of " + event.packageName() + ": " + event.message();
            default -> "==> " + event.message();
        };
        return of(
                event.kind().name().toLowerCase(Locale.ROOT),
                text,
                "package",
                event.packageName(),
                "message",
                event.message(),
                "index",
                event.index(),
                "total",
                event.total());
    }
}
