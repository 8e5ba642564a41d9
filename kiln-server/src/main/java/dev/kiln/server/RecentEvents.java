package dev.kiln.server;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last few hundred progress events, kept in memory so the web catalog can show a run's progress
 * as the terminal does, without a second source of truth: the same events, in the same order.
 */
public final class RecentEvents implements ReconcileListener {
    private final int capacity;
    private final ArrayDeque<ReconcileEvent> events;

    public RecentEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.events = new ArrayDeque<>(capacity);
    }

    @Override
    public synchronized void onEvent(ReconcileEvent event) {
        if (events.size() == capacity) {
            events.removeFirst();
        }
        events.addLast(event);
    }

    /** Oldest first. */
    public synchronized List<ReconcileEvent> snapshot() {
        return List.copyOf(events);
    }

    /** A listener that hands each event to {@code first}, then to this. */
    public ReconcileListener alongside(ReconcileListener first) {
        return event -> {
            first.onEvent(event);
            onEvent(event);
        };
    }
}
