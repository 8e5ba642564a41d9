package dev.kiln.registry.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Keeps requests with a body (uploads, manifest pushes) from starving everything else. The endpoints
 * read bodies with blocking reads, so each such request holds a server thread for as long as its
 * client takes to send; three layers bound that:
 * <ol>
 *   <li>per client address, at most {@code perClient} body requests at once; more get 429 at once;</li>
 *   <li>server-wide, at most {@code concurrent} body requests run; more wait in Jetty's {@link QoSHandler}
 *       without holding a thread, until a slot frees or {@code maxWait} passes (then 429);</li>
 *   <li>a body that arrives slower than {@code minBytesPerSecond} fails its read
 *       ({@link MinimumBodyRate}), which the endpoints answer with 408.</li>
 * </ol>
 * Requests without a body pass straight through, so pulls and pings always find a free thread.
 */
public final class BodyLimits {
    private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");
    /** Seconds a refused client is asked to wait; uploads are short-lived, so slots free up quickly. */
    private static final String RETRY_AFTER = "2";

    private BodyLimits() {}

    /** Wraps {@code endpoints} in the three limits; the result is the server's handler. */
    public static Handler wrap(
            Handler endpoints, int concurrent, int perClient, long minBytesPerSecond, Duration maxWait) {
        Handler rated = minBytesPerSecond > 0 ? new MinimumBodyRate(endpoints, minBytesPerSecond) : endpoints;
        Queue queue = new Queue(rated);
        queue.includeMethod(WITH_BODY.toArray(String[]::new));
        queue.setMaxRequestCount(concurrent);
        queue.setMaxSuspend(maxWait);
        return new PerClient(queue, perClient);
    }

    static void refuse(Request request, Response response, Callback callback, String message) {
        Exchange ex = new Exchange(request, response, callback);
        ex.header("Retry-After", RETRY_AFTER);
        ex.sendError(new HttpError(429, ErrorCode.TOOMANYREQUESTS, message));
    }

    /** Jetty's QoSHandler, answering its refusals in the registry's JSON error format with Retry-After. */
    private static final class Queue extends QoSHandler {
        Queue(Handler next) {
            super(next);
        }

        @Override
        protected void reject(Request request, Response response, Callback callback, int status) {
            refuse(request, response, callback, "the registry is handling as many uploads as it allows; retry shortly");
        }

        @Override
        protected void failSuspended(
                Request request, Response response, Callback callback, int status, Throwable failure) {
            if (status == 503 && !response.isCommitted()) {
                refuse(request, response, callback, "waited too long for an upload slot; retry shortly");
            } else {
                super.failSuspended(request, response, callback, status, failure);
            }
        }
    }

    /** Counts open body requests per client address; the count drops when the request completes. */
    private static final class PerClient extends Handler.Wrapper {
        private final int max;
        private final Map<String, Integer> open = new ConcurrentHashMap<>();

        PerClient(Handler next, int max) {
            super(next);
            this.max = max;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!WITH_BODY.contains(request.getMethod())) {
                return super.handle(request, response, callback);
            }
            String address = Request.getRemoteAddr(request);
            boolean admitted = open.merge(address, 1, Integer::sum) <= max;
            AtomicBoolean released = new AtomicBoolean();
            Runnable release = () -> {
                if (released.compareAndSet(false, true)) {
                    open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
                }
            };
            if (!admitted) {
                release.run();
                refuse(
                        request,
                        response,
                        callback,
                        "client " + address + " already has " + max + " uploads in progress; finish one first");
                return true;
            }
            // Fires however the exchange ends: answered, failed, or the client gone.
            Request.addCompletionListener(request, failure -> release.run());
            return super.handle(request, response, callback);
        }
    }
}
