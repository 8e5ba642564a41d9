package dev.kiln.oci.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.content.Digest;
import dev.kiln.content.Hashing;
import dev.kiln.content.InputStreams;
import dev.kiln.content.LimitedInputStream;
import dev.kiln.oci.ImageReference;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A client of the OCI distribution API (spec 1.1): blobs, manifests, tags and referrers, with
 * token or Basic authentication and retries. Everything it reads is checked against its digest.
 * Loopback registries ({@code localhost}, {@code 127.*}, {@code [::1]}) are spoken to over plain
 * HTTP, every other one over HTTPS, unless a predicate says otherwise.
 */
public final class RegistryClient {
    /** Blobs up to this size go in one PUT; larger ones in chunks, so a dropped connection costs one chunk. */
    static final long MONOLITHIC_MAX = 32L << 20;

    static final long CHUNK = 16L << 20;
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final Transport transport;

    /** {@code credentials} null: anonymous. */
    public RegistryClient(HttpClient http, @Nullable Credentials credentials) {
        this(http, credentials, RegistryClient::isLoopback);
    }

    public RegistryClient(HttpClient http, @Nullable Credentials credentials, Predicate<String> plainHttp) {
        this.transport = new Transport(http, credentials, plainHttp);
    }

    static boolean isLoopback(String registry) {
        String host = registry.startsWith("[")
                ? registry.substring(0, registry.indexOf(']') + 1)
                : registry.contains(":") ? registry.substring(0, registry.indexOf(':')) : registry;
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }

    public boolean blobExists(ImageReference repo, Digest d) {
        HttpResponse<Void> r = transport.send(
                repo.registry(),
                pull(repo),
                () -> request(repo, "/blobs/" + d).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding(),
                "HEAD blob " + d + " in " + repo.repository());
        if (r.statusCode() == 200) {
            return true;
        }
        if (r.statusCode() == 404) {
            return false;
        }
        throw Transport.failure("HEAD blob " + d + " in " + repo.repository(), r);
    }

    public void pushBlob(ImageReference repo, Digest d, long size, IoSupplier<InputStream> content) {
        if (blobExists(repo, d)) {
            return;
        }
        String what = "push blob " + d + " to " + repo.repository();
        URI location = startUpload(repo, what);
        if (size <= MONOLITHIC_MAX) {
            HttpResponse<byte[]> r = transport.send(
                    repo.registry(),
                    push(repo),
                    () -> HttpRequest.newBuilder(withQuery(location, "digest=" + enc(d.toString())))
                            .header("Content-Type", "application/octet-stream")
                            .PUT(body(content, 0, size)),
                    HttpResponse.BodyHandlers.ofByteArray(),
                    what);
            if (r.statusCode() != 201) {
                throw Transport.failure(what, r);
            }
            return;
        }
        URI current = location;
        long offset = 0;
        int resumes = 0;
        while (offset < size) {
            long start = offset;
            long length = Math.min(CHUNK, size - offset);
            URI target = current;
            HttpResponse<byte[]> r;
            try {
                r = transport.send(
                        repo.registry(),
                        push(repo),
                        () -> HttpRequest.newBuilder(target)
                                .header("Content-Type", "application/octet-stream")
                                .header("Content-Range", start + "-" + (start + length - 1))
                                .method("PATCH", body(content, start, length)),
                        HttpResponse.BodyHandlers.ofByteArray(),
                        what);
            } catch (DistributionException e) {
                r = null;
            }
            if (r != null && r.statusCode() == 202) {
                current = location(target, r);
                offset = start + length;
                continue;
            }
            // The chunk may or may not have landed: ask where the upload stands and resume from there.
            long[] status = uploadStatus(repo, target, what);
            if (status == null || ++resumes > 3 || (status[0] == start && r != null && r.statusCode() != 416)) {
                throw r == null
                        ? new DistributionException(what + ": chunk at " + start + " failed", null)
                        : Transport.failure(what, r);
            }
            offset = status[0];
        }
        URI last = current;
        HttpResponse<byte[]> r = transport.send(
                repo.registry(),
                push(repo),
                () -> HttpRequest.newBuilder(withQuery(last, "digest=" + enc(d.toString())))
                        .PUT(HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.ofByteArray(),
                what);
        if (r.statusCode() != 201) {
            throw Transport.failure(what, r);
        }
    }

    /**
     * Pushes a small blob in one request where the registry allows it (single POST with the digest,
     * registry.md §4.2), falling back to PUT on the upload it opened otherwise, or to the ordinary
     * push when the registry refuses the POST's body. No existence check
     * first: for a few kilobytes the HEAD costs the same round trip as the upload itself.
     */
    public void pushSmallBlob(ImageReference repo, byte[] content) {
        Digest d = Digest.sha256(content);
        String what = "push blob " + d + " to " + repo.repository();
        HttpResponse<byte[]> r = transport.send(
                repo.registry(),
                push(repo),
                () -> request(repo, "/blobs/uploads/?digest=" + enc(d.toString()))
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(content)),
                HttpResponse.BodyHandlers.ofByteArray(),
                what);
        if (r.statusCode() == 201) {
            return;
        }
        if (r.statusCode() != 202) {
            // a registry that refuses a body on POST instead of ignoring it: the ordinary way then
            pushBlob(repo, d, content.length, () -> new ByteArrayInputStream(content));
            return;
        }
        URI location = location(r.request().uri(), r);
        HttpResponse<byte[]> put = transport.send(
                repo.registry(),
                push(repo),
                () -> HttpRequest.newBuilder(withQuery(location, "digest=" + enc(d.toString())))
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(content)),
                HttpResponse.BodyHandlers.ofByteArray(),
                what);
        if (put.statusCode() != 201) {
            throw Transport.failure(what, put);
        }
    }

    /** Next offset of an upload, from GET on its location; null when the upload is gone. */
    private long @Nullable [] uploadStatus(ImageReference repo, URI location, String what) {
        HttpResponse<byte[]> r = transport.send(
                repo.registry(),
                push(repo),
                () -> HttpRequest.newBuilder(location).GET(),
                HttpResponse.BodyHandlers.ofByteArray(),
                what);
        if (r.statusCode() != 204) {
            return null;
        }
        String range = r.headers().firstValue("Range").orElse("0-0");
        long end = Long.parseLong(range.substring(range.indexOf('-') + 1));
        // "0-0" is what registries say both before the first byte and after one byte; trust the first.
        return new long[] {end == 0 ? 0 : end + 1};
    }

    private URI startUpload(ImageReference repo, String what) {
        HttpResponse<byte[]> r = transport.send(
                repo.registry(),
                push(repo),
                () -> request(repo, "/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.ofByteArray(),
                what);
        if (r.statusCode() != 202) {
            throw Transport.failure(what, r);
        }
        return location(r.request().uri(), r);
    }

    public boolean mountBlob(ImageReference target, String fromRepository, Digest d) {
        String what = "mount blob " + d + " from " + fromRepository + " into " + target.repository();
        HttpResponse<byte[]> r = transport.send(
                target.registry(),
                push(target) + " repository:" + fromRepository + ":pull",
                () -> request(target, "/blobs/uploads/?mount=" + enc(d.toString()) + "&from=" + enc(fromRepository))
                        .POST(HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.ofByteArray(),
                what);
        if (r.statusCode() == 201) {
            return true;
        }
        if (r.statusCode() == 202) {
            URI upload = location(r.request().uri(), r);
            transport.send(
                    target.registry(),
                    push(target),
                    () -> HttpRequest.newBuilder(upload).DELETE(),
                    HttpResponse.BodyHandlers.discarding(),
                    what);
            return false;
        }
        throw Transport.failure(what, r);
    }

    public Digest pushManifest(ImageReference ref, String mediaType, byte[] body) {
        return pushManifestAcknowledgingSubject(ref, mediaType, body).digest();
    }

    /** What a manifest PUT returned: its digest, and whether the registry said it indexed the subject. */
    public record PushedManifest(Digest digest, boolean subjectIndexed) {}

    /**
     * Pushes a manifest and reports whether the registry answered with {@code OCI-Subject}, which
     * registries with the referrers API must send for a manifest that has a subject (registry.md §6);
     * without it the caller maintains the fallback tag itself.
     */
    public PushedManifest pushManifestAcknowledgingSubject(ImageReference ref, String mediaType, byte[] body) {
        Digest digest = Digest.sha256(body);
        String reference = ref.digest() != null ? ref.digest().toString() : ref.tag();
        if (reference == null) {
            throw new IllegalArgumentException("manifest push to " + ref + " needs a tag or a digest");
        }
        if (ref.digest() != null && !ref.digest().equals(digest)) {
            throw new IllegalArgumentException("manifest body has digest " + digest + ", not " + ref.digest());
        }
        String what = "push manifest " + ref;
        HttpResponse<byte[]> r = transport.send(
                ref.registry(),
                push(ref),
                () -> request(ref, "/manifests/" + reference)
                        .header("Content-Type", mediaType)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)),
                HttpResponse.BodyHandlers.ofByteArray(),
                what);
        if (r.statusCode() != 201) {
            throw Transport.failure(what, r);
        }
        Optional<String> returned = r.headers().firstValue("Docker-Content-Digest");
        if (returned.isPresent() && !returned.get().equals(digest.toString())) {
            throw new DistributionException(
                    what + ": registry stored digest " + returned.get() + ", expected " + digest,
                    201,
                    "DIGEST_INVALID",
                    false,
                    null);
        }
        return new PushedManifest(digest, r.headers().firstValue("OCI-Subject").isPresent());
    }

    /**
     * The digest {@code ref} names in the registry (HEAD on the manifest), or empty when it names
     * nothing. Lets a publisher skip a push whose result is already there.
     */
    public Optional<Digest> manifestDigest(ImageReference ref, List<String> acceptedMediaTypes) {
        String what = "head manifest " + ref;
        HttpResponse<Void> r = transport.send(
                ref.registry(),
                pull(ref),
                () -> request(ref, "/manifests/" + ref.identifier())
                        .header("Accept", String.join(", ", acceptedMediaTypes))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding(),
                what);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw Transport.failure(what, r);
        }
        Optional<String> header = r.headers().firstValue("Docker-Content-Digest");
        if (header.isPresent()) {
            return Optional.of(Digest.parse(header.get()));
        }
        // The header is optional in the spec; without it only the body says which manifest this is.
        return Optional.of(getManifest(ref, acceptedMediaTypes).digest());
    }

    public Fetched<byte[]> getManifest(ImageReference ref, List<String> acceptedMediaTypes) {
        String what = "get manifest " + ref;
        HttpResponse<byte[]> r = transport.send(
                ref.registry(),
                pull(ref),
                () -> request(ref, "/manifests/" + ref.identifier())
                        .header("Accept", String.join(", ", acceptedMediaTypes))
                        .GET(),
                HttpResponse.BodyHandlers.ofByteArray(),
                what);
        if (r.statusCode() != 200) {
            throw Transport.failure(what, r);
        }
        byte[] body = r.body();
        Digest digest = ref.digest() != null && ref.digest().algorithm().equals("sha512")
                ? new Digest("sha512", Hashing.hex(Hashing.sha512().digest(body)))
                : Digest.sha256(body);
        if (ref.digest() != null && !ref.digest().equals(digest)) {
            throw new DistributionException(what + ": body has digest " + digest, 200, "DIGEST_INVALID", false, null);
        }
        String mediaType = r.headers()
                .firstValue("Content-Type")
                .map(t -> t.split(";", 2)[0].trim())
                .orElse(null);
        return new Fetched<>(mediaType, digest, body);
    }

    /** The blob's bytes; reading past the end throws if they do not match the digest. */
    public InputStream getBlob(ImageReference repo, Digest d) {
        String what = "get blob " + d + " from " + repo.repository();
        HttpResponse<InputStream> r = transport.send(
                repo.registry(),
                pull(repo),
                () -> request(repo, "/blobs/" + d).GET(),
                HttpResponse.BodyHandlers.ofInputStream(),
                what);
        if (r.statusCode() != 200) {
            throw Transport.failure(what, r);
        }
        return new VerifyingStream(r.body(), d);
    }

    public List<String> listTags(ImageReference repo) {
        List<String> tags = new ArrayList<>();
        String path = "/v2/" + repo.repository() + "/tags/list";
        String what = "list tags of " + repo.repository();
        while (path != null) {
            URI uri = transport.base(repo.registry()).resolve(path);
            HttpResponse<byte[]> r = transport.send(
                    repo.registry(),
                    pull(repo),
                    () -> HttpRequest.newBuilder(uri).GET(),
                    HttpResponse.BodyHandlers.ofByteArray(),
                    what);
            if (r.statusCode() != 200) {
                throw Transport.failure(what, r);
            }
            readJson(r.body(), what).path("tags").forEach(t -> tags.add(t.asText()));
            path = r.headers()
                    .firstValue("Link")
                    .map(NEXT_LINK::matcher)
                    .filter(Matcher::find)
                    .map(m -> m.group(1))
                    .orElse(null);
        }
        return tags;
    }

    /**
     * Manifests whose {@code subject} is {@code subject}, optionally of one artifact type. Falls
     * back to the referrers tag schema ({@code sha256-<hex>}) when the registry lacks the API.
     */
    public List<Referrer> referrers(ImageReference repo, Digest subject, @Nullable String artifactType) {
        String what = "list referrers of " + subject + " in " + repo.repository();
        String query = artifactType == null ? "" : "?artifactType=" + enc(artifactType);
        HttpResponse<byte[]> r = transport.send(
                repo.registry(),
                pull(repo),
                () -> request(repo, "/referrers/" + subject + query)
                        .header("Accept", "application/vnd.oci.image.index.v1+json")
                        .GET(),
                HttpResponse.BodyHandlers.ofByteArray(),
                what);
        JsonNode index;
        if (r.statusCode() == 200) {
            index = readJson(r.body(), what);
        } else if (r.statusCode() == 404) {
            try {
                index = readJson(
                        getManifest(
                                        repo.withTag(subject.algorithm() + "-" + subject.hex()),
                                        List.of("application/vnd.oci.image.index.v1+json"))
                                .body(),
                        what);
            } catch (DistributionException e) {
                if (e.status() == 404) {
                    return List.of();
                }
                throw e;
            }
        } else {
            throw Transport.failure(what, r);
        }
        List<Referrer> out = new ArrayList<>();
        for (JsonNode m : index.path("manifests")) {
            String type = m.hasNonNull("artifactType") ? m.get("artifactType").asText() : null;
            if (artifactType != null && !artifactType.equals(type)) {
                continue;
            }
            Map<String, String> annotations = new LinkedHashMap<>();
            m.path("annotations")
                    .properties()
                    .forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
            out.add(new Referrer(
                    m.path("mediaType").asText(),
                    Digest.parse(m.path("digest").asText()),
                    m.path("size").asLong(),
                    type,
                    annotations));
        }
        return out;
    }

    // ---- helpers ----

    private HttpRequest.Builder request(ImageReference repo, String suffix) {
        return HttpRequest.newBuilder(transport.base(repo.registry()).resolve("/v2/" + repo.repository() + suffix));
    }

    private static String pull(ImageReference repo) {
        return "repository:" + repo.repository() + ":pull";
    }

    private static String push(ImageReference repo) {
        return "repository:" + repo.repository() + ":pull,push";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static URI location(URI base, HttpResponse<?> r) {
        String location = r.headers()
                .firstValue("Location")
                .orElseThrow(() -> new DistributionException(
                        "registry answered " + r.statusCode() + " without a Location header",
                        r.statusCode(),
                        null,
                        false,
                        null));
        return base.resolve(location);
    }

    private static URI withQuery(URI uri, String param) {
        String s = uri.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + param);
    }

    /** A body of {@code length} bytes from {@code offset}, re-opened for every attempt. */
    private static HttpRequest.BodyPublisher body(IoSupplier<InputStream> content, long offset, long length) {
        return HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        InputStream in = content.get();
                        in.skipNBytes(offset);
                        return LimitedInputStream.atMost(in, length);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot open blob content", e);
                    }
                }),
                length);
    }

    private static JsonNode readJson(byte[] body, String what) {
        try {
            return Transport.JSON.readTree(body);
        } catch (IOException e) {
            throw new DistributionException(what + ": response is not JSON: " + e.getMessage(), 200, null, false, e);
        }
    }

    /** Hashes what passes through and fails at the end when it is not the expected digest. */
    private static final class VerifyingStream extends FilterInputStream {
        private final Digest expected;
        private final MessageDigest md;
        private boolean checked;

        VerifyingStream(InputStream in, Digest expected) {
            super(in);
            this.expected = expected;
            this.md = expected.algorithm().equals("sha512") ? Hashing.sha512() : Hashing.sha256();
        }

        @Override
        public int read() throws IOException {
            return InputStreams.readByte(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                md.update(b, off, n);
            } else if (n < 0 && !checked) {
                checked = true;
                Digest actual = new Digest(expected.algorithm(), Hashing.hex(md.digest()));
                if (!actual.equals(expected)) {
                    throw new IOException("blob content has digest " + actual + ", expected " + expected);
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[8192];
            long skipped = 0;
            while (skipped < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }
    }
}
