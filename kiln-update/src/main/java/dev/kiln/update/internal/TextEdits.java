package dev.kiln.update.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Replacements of character ranges, applied back to front so earlier offsets stay valid. */
public final class TextEdits {
    private record Edit(int start, int end, String replacement) {}

    private final List<Edit> edits = new ArrayList<>();

    public TextEdits replace(int start, int end, String replacement) {
        edits.add(new Edit(start, end, replacement));
        return this;
    }

    /** Replaces a scalar's value, keeping its quoting style. */
    public TextEdits scalar(RecipeNodes.Span span, String value) {
        String q = span.quote() == 0 ? "" : String.valueOf(span.quote());
        return replace(span.start(), span.end(), q + value + q);
    }

    public boolean isEmpty() {
        return edits.isEmpty();
    }

    public String apply(String text) {
        List<Edit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt(Edit::start).reversed());
        StringBuilder b = new StringBuilder(text);
        int limit = Integer.MAX_VALUE;
        for (Edit e : sorted) {
            if (e.end() > limit) {
                throw new IllegalStateException("overlapping edits at offset " + e.start());
            }
            b.replace(e.start(), e.end(), e.replacement());
            limit = e.start();
        }
        return b.toString();
    }
}
