package dev.kiln.vuln;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** One advisory: Kiln/Chainguard id, the vulnerability ids it covers ({@code aliases}) and its history. */
public record Advisory(String id, List<String> aliases, List<AdvisoryEvent> events) {
    public static final Pattern ID = Pattern.compile("^CGA(-[23456789cfghjmpqrvwx]{4}){3}$");

    public Advisory {
        Objects.requireNonNull(id, "id");
        aliases = List.copyOf(aliases);
        events = List.copyOf(events);
    }

    /** The latest event by timestamp (the last of equal timestamps in file order), empty without events. */
    public Optional<AdvisoryEvent> latest() {
        AdvisoryEvent best = null;
        for (AdvisoryEvent e : events) {
            if (best == null || !e.timestamp().isBefore(best.timestamp())) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }

    /** A copy with {@code event} appended. */
    public Advisory withEvent(AdvisoryEvent event) {
        List<AdvisoryEvent> all = new ArrayList<>(events);
        all.add(event);
        return new Advisory(id, aliases, all);
    }

    /** True when {@code vulnerabilityId} is this advisory's id or one of its aliases. */
    public boolean covers(String vulnerabilityId) {
        return id.equals(vulnerabilityId) || aliases.contains(vulnerabilityId);
    }

    /** The CVE alias when there is one, else the first alias, else the id: the name people search for. */
    public String primaryName() {
        return aliases.stream()
                .filter(a -> a.startsWith("CVE-"))
                .findFirst()
                .orElse(aliases.isEmpty() ? id : aliases.get(0));
    }

    static Comparator<Advisory> byId() {
        return Comparator.comparing(Advisory::id);
    }
}
