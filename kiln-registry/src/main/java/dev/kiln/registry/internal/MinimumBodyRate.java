package dev.kiln.registry.internal;

import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;
import org.jspecify.annotations.Nullable;

/**
 * Fails the body of a request whose client sends it slower than a minimum average rate, so a slow
 * client cannot keep a reading thread for hours. Jetty's {@code MinimumDataRateHandler} does the
 * same, but (in 12.1) it divides the bytes read by <em>all</em> requests through the handler by the
 * time of one, so while anybody else uploads quickly a slow body is never cut; this counts each
 * request's own bytes.
 *
 * <p>The rate is checked when the reader waits for more content, once {@link #GRACE_NANOS} has passed
 * since it first waited: a small body whose few packets arrive a round trip apart is not cut. A
 * body that stops entirely is left to the connector's idle timeout. The failed read carries a
 * {@link TimeoutException}, which the endpoints answer with 408.
 */
final class MinimumBodyRate extends Handler.Wrapper {
    private static final long GRACE_NANOS = 1_000_000_000L;

    private final long minBytesPerSecond;

    MinimumBodyRate(Handler next, long minBytesPerSecond) {
        super(next);
        this.minBytesPerSecond = minBytesPerSecond;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return super.handle(new Rated(request), response, callback);
    }

    /** Read and demand come from the one thread reading the body, one after the other. */
    private final class Rated extends Request.Wrapper {
        private long firstWait;
        private long bytes;
        private Content.@Nullable Chunk failure;

        Rated(Request request) {
            super(request);
        }

        @Override
        public Content.Chunk read() {
            if (failure != null) {
                return failure;
            }
            Content.Chunk chunk = super.read();
            if (chunk != null) {
                bytes += chunk.remaining();
            }
            return chunk;
        }

        @Override
        public void demand(Runnable onContent) {
            long now = NanoTime.now();
            if (firstWait == 0) {
                firstWait = now == 0 ? 1 : now;
            } else {
                long elapsed = NanoTime.elapsed(firstWait, now);
                if (elapsed >= GRACE_NANOS && bytes * 1_000_000_000L / elapsed < minBytesPerSecond) {
                    failure = Content.Chunk.from(
                            new TimeoutException("body arrived at " + bytes * 1_000_000_000L / elapsed
                                    + " bytes/s, below the registry's minimum of " + minBytesPerSecond + " bytes/s"),
                            true);
                    onContent.run();
                    return;
                }
            }
            super.demand(onContent);
        }
    }
}
