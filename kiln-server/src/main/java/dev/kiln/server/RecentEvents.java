package dev.kiln.server;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The last few hundred progress events, kept in memory so the web catalog can show a run's progress
 * as the terminal does, without a second source of truth: the same events, in the same order. Live
 * readers (the activity page's event stream) {@link #subscribe} and receive every event from then on.
 */
public final class RecentEvents implements ReconcileListener {
    /** Events a slow subscriber may fall behind by before it is dropped (it reconnects and reads the snapshot). */
    static final int SUBSCRIBER_BACKLOG = 1000;

    private final int capacity;
    private final ArrayDeque<ReconcileEvent> events;
    private final Set<Subscription> subscribers = new CopyOnWriteArraySet<>();

    public RecentEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.events = new ArrayDeque<>(capacity);
    }

    @Override
    public void onEvent(ReconcileEvent event) {
        synchronized (this) {
            if (events.size() == capacity) {
                events.removeFirst();
            }
            events.addLast(event);
        }
        for (Subscription s : subscribers) {
            // never blocks the reconciling thread: a reader that cannot keep up loses its subscription
            if (!s.queue.offer(event)) {
                s.close();
            }
        }
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

    /** Every event from now on, until the subscription is closed. */
    public Subscription subscribe() {
        Subscription s = new Subscription(this);
        subscribers.add(s);
        return s;
    }

    /** One live reader's queue of events. */
    public static final class Subscription implements AutoCloseable {
        private final RecentEvents owner;
        private final BlockingQueue<ReconcileEvent> queue = new LinkedBlockingQueue<>(SUBSCRIBER_BACKLOG);
        private volatile boolean closed;

        private Subscription(RecentEvents owner) {
            this.owner = owner;
        }

        /** The next event, or null when none came within {@code millis} or the subscription was closed. */
        public @Nullable ReconcileEvent next(long millis) throws InterruptedException {
            return closed ? null : queue.poll(millis, TimeUnit.MILLISECONDS);
        }

        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
            owner.subscribers.remove(this);
        }
    }
}
