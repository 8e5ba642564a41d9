package dev.kiln.registry.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;
import org.jspecify.annotations.Nullable;

/**
 * Routes {@code /v2/...} requests to the endpoints. Names contain slashes, so each pattern anchors
 * on the trailing component ({@code blobs}, {@code manifests}, …) and the name is whatever precedes
 * it, then checked against the spec grammar: traversal such as {@code ../x} never reaches storage.
 */
public final class DistributionHandler extends Handler.Abstract {
    private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/([^/]+)");
    private static final Pattern UPLOAD_START = Pattern.compile("/v2/(.+)/blobs/uploads/?");
    private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([A-Za-z0-9-]+)");
    private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
    private static final Pattern TAGS = Pattern.compile("/v2/(.+)/tags/list");
    private static final Pattern REFERRERS = Pattern.compile("/v2/(.+)/referrers/([^/]+)");
    private static final HttpField API_VERSION =
            new PreEncodedHttpField("Docker-Distribution-API-Version", "registry/2.0");

    private final Services s;
    private final BlobEndpoints blobs;
    private final UploadEndpoints uploads;
    private final ManifestEndpoints manifests;
    private final DiscoveryEndpoints discovery;
    private final IntSupplier uploadsInProgress;

    public DistributionHandler(Services services, IntSupplier uploadsInProgress) {
        this.s = services;
        this.blobs = new BlobEndpoints(services);
        this.uploads = new UploadEndpoints(services);
        this.manifests = new ManifestEndpoints(services);
        this.discovery = new DiscoveryEndpoints(services);
        this.uploadsInProgress = uploadsInProgress;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange ex = new Exchange(request, response, callback);
        ex.header(API_VERSION);
        String route = "other";
        try {
            route = dispatch(ex, request.getHttpURI().getPath());
            if (!ex.sent()) {
                throw new IllegalStateException("route " + route + " did not answer");
            }
        } catch (HttpError e) {
            if (ex.committed()) {
                ex.fail(e);
            } else {
                ex.sendError(e);
            }
            s.metrics().request(ex.method(), route, e.status());
            return true;
        } catch (IOException | RuntimeException e) {
            // A client that went away mid-body lands here (IOException); its upload was already rolled back.
            // Storage failures arrive as unchecked exceptions, so they never pass for a bad request.
            // A full disk is the server's problem, not the request's: 5xx so that clients retry.
            HttpError error = DiskFull.isCause(e)
                    ? DiskFull.error()
                    : e instanceof IOException && timedOut(e)
                            ? new HttpError(
                                    408,
                                    ErrorCode.BLOB_UPLOAD_INVALID,
                                    "request body came too slowly and was dropped (" + timeoutMessage(e)
                                            + "); nothing of it was stored")
                            : e instanceof IOException
                                    ? new HttpError(
                                            400,
                                            ErrorCode.BLOB_UPLOAD_INVALID,
                                            "request body could not be read: " + e.getMessage())
                                    : new HttpError(
                                            500,
                                            ErrorCode.UNKNOWN,
                                            "internal error: " + e.getClass().getSimpleName());
            if (ex.committed() || ex.sent()) {
                ex.fail(e);
            } else {
                ex.sendError(error);
            }
            s.metrics().request(ex.method(), route, error.status());
            return true;
        }
        s.metrics().request(ex.method(), route, response.getStatus());
        return true;
    }

    // a routing table: each route's matcher is tested and kept for its groups in one condition
    @SuppressWarnings("AssignmentExpression")
    private String dispatch(Exchange ex, String rawPath) throws IOException {
        String method = ex.method();
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (rawPath.equals("/healthz")) {
            ex.send(200, "text/plain", "ok\n".getBytes(StandardCharsets.US_ASCII));
            return "health";
        }
        if (rawPath.equals("/metrics")) {
            if (s.auth().enabled()
                    && !s.metricsPublic()
                    && s.auth().identify(ex).user() == null) {
                // Request counts by route and status tell an outsider what the registry holds and who pushes when.
                throw s.auth()
                        .basicChallenge(ex, "log in to read metrics (or start the registry with --metrics-public)");
            }
            ex.send(
                    200,
                    "text/plain; version=0.0.4",
                    s.metrics().render(uploadsInProgress.getAsInt()).getBytes(StandardCharsets.UTF_8));
            return "metrics";
        }
        if (rawPath.equals("/token")) {
            s.auth().issueToken(ex);
            return "token";
        }
        if (!rawPath.startsWith("/v2")) {
            throw new HttpError(404, ErrorCode.UNSUPPORTED, "not a registry API path", rawPath);
        }
        Authenticator.Caller caller = s.auth().identify(ex);
        if (rawPath.equals("/v2/") || rawPath.equals("/v2")) {
            if (s.auth().enabled() && caller.user() == null && caller.token() == null) {
                // docker login and skopeo learn the token realm from this challenge.
                throw s.auth().loginChallenge(ex);
            }
            ex.send(200, "application/json", "{}".getBytes(StandardCharsets.US_ASCII));
            return "ping";
        }
        if (rawPath.equals("/v2/_catalog") && read) {
            discovery.catalog(ex, caller);
            return "catalog";
        }
        Matcher m;
        if ((m = UPLOAD.matcher(rawPath)).matches()) {
            String repo = name(m.group(1));
            String id = m.group(2);
            switch (method) {
                case "PATCH" -> uploads.patch(ex, caller, repo, id);
                case "PUT" -> uploads.put(ex, caller, repo, id);
                case "GET" -> uploads.status(ex, caller, repo, id);
                case "DELETE" -> uploads.cancel(ex, caller, repo, id);
                default -> throw notAllowed(method);
            }
            return "upload";
        }
        if ((m = UPLOAD_START.matcher(rawPath)).matches()) {
            if (!method.equals("POST")) {
                throw notAllowed(method);
            }
            uploads.start(ex, caller, name(m.group(1)));
            return "upload";
        }
        if ((m = BLOB.matcher(rawPath)).matches()) {
            String repo = name(m.group(1));
            String ref = URIUtil.decodePath(m.group(2));
            if (read) {
                blobs.get(ex, caller, repo, ref);
            } else if (method.equals("DELETE")) {
                blobs.delete(ex, caller, repo, ref);
            } else {
                throw notAllowed(method);
            }
            return "blob";
        }
        if ((m = MANIFEST.matcher(rawPath)).matches()) {
            String repo = name(m.group(1));
            String ref = URIUtil.decodePath(m.group(2));
            switch (method) {
                case "GET", "HEAD" -> manifests.get(ex, caller, repo, ref);
                case "PUT" -> manifests.put(ex, caller, repo, ref);
                case "DELETE" -> manifests.delete(ex, caller, repo, ref);
                default -> throw notAllowed(method);
            }
            return "manifest";
        }
        if ((m = TAGS.matcher(rawPath)).matches() && read) {
            discovery.tags(ex, caller, name(m.group(1)));
            return "tags";
        }
        if ((m = REFERRERS.matcher(rawPath)).matches() && read) {
            discovery.referrers(ex, caller, name(m.group(1)), URIUtil.decodePath(m.group(2)));
            return "referrers";
        }
        throw new HttpError(404, ErrorCode.NAME_INVALID, "no registry endpoint at " + method + " " + rawPath, rawPath);
    }

    /** Jetty fails a body read with a TimeoutException when the body idles or falls below the minimum rate. */
    private static boolean timedOut(Throwable e) {
        return timeoutMessage(e) != null;
    }

    private static @Nullable String timeoutMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException) {
                return t.getMessage() == null ? "timeout" : t.getMessage();
            }
        }
        return null;
    }

    private static String name(String raw) {
        if (!Names.isRepository(raw)) {
            throw new HttpError(
                    400,
                    ErrorCode.NAME_INVALID,
                    "repository name must match the distribution spec grammar " + "(lowercase, no '..')",
                    raw);
        }
        return raw;
    }

    private static HttpError notAllowed(String method) {
        return new HttpError(405, ErrorCode.UNSUPPORTED, "method " + method + " is not allowed here", method);
    }
}
