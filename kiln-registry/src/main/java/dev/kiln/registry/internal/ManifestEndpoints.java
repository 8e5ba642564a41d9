package dev.kiln.registry.internal;

import dev.kiln.content.Digest;
import dev.kiln.content.Hashing;
import dev.kiln.registry.AccessPolicy.Action;
import dev.kiln.registry.RegistryStorage.StoredManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.jspecify.annotations.Nullable;

/** Manifest and index GET/HEAD (served from memory when possible), PUT and DELETE. */
final class ManifestEndpoints {
    private static final int MAX_TAGS_PER_PUSH = 100;

    private final Services s;

    ManifestEndpoints(Services services) {
        this.s = services;
    }

    void get(Exchange ex, Authenticator.Caller caller, String repository, String reference) {
        s.auth().require(ex, caller, repository, Action.PULL);
        ManifestCache.Entry entry = s.cache().get(repository, reference);
        s.metrics().cache(entry != null);
        if (entry == null) {
            long seen = s.cache().generation();
            entry = load(repository, reference);
            s.cache().putIfUnchanged(repository, reference, entry, seen);
        }
        ex.status(200);
        ex.header(entry.contentType()).header(entry.digestHeader()).header(entry.contentLength());
        ex.finish(ex.isHead() ? null : entry.freshBody());
    }

    private ManifestCache.Entry load(String repository, String reference) {
        Digest digest;
        try {
            digest = digestOrCheckedTag(reference);
        } catch (HttpError e) {
            // Nothing can be stored under a reference that is neither a tag nor a digest, so a read of it
            // finds nothing: the conformance suite expects 404 MANIFEST_UNKNOWN here; only PUT says 400.
            throw unknown(repository, reference);
        }
        if (digest == null) {
            digest = s.storage().resolveTag(repository, reference).orElseThrow(() -> unknown(repository, reference));
        }
        StoredManifest m = s.storage().manifest(repository, digest).orElseThrow(() -> unknown(repository, reference));
        return ManifestCache.Entry.of(m.digest(), m.mediaType(), m.body());
    }

    void put(Exchange ex, Authenticator.Caller caller, String repository, String reference) throws IOException {
        Digest claimed = digestOrCheckedTag(reference);
        s.auth().require(ex, caller, repository, Action.PUSH);
        Set<String> tags = new LinkedHashSet<>();
        if (claimed == null) {
            tags.add(reference);
        }
        List<String> queryTags = ex.queryValues("tag");
        if (queryTags != null) {
            if (queryTags.size() > MAX_TAGS_PER_PUSH) {
                throw new HttpError(
                        414, ErrorCode.UNSUPPORTED, "at most " + MAX_TAGS_PER_PUSH + " tag parameters per push", "tag");
            }
            queryTags.forEach(ManifestEndpoints::checkTag);
            tags.addAll(queryTags);
        }
        byte[] body = ex.bodyBytes(s.maxManifestBytes(), "manifest");
        String contentType = ex.header(HttpHeader.CONTENT_TYPE);
        if (contentType != null) {
            contentType = contentType.split(";", 2)[0].trim();
        }
        Digest digest = claimed != null && claimed.algorithm().equals("sha512")
                ? new Digest("sha512", Hashing.hex(Hashing.sha512().digest(body)))
                : Digest.sha256(body);
        if (claimed != null && !claimed.equals(digest)) {
            throw new HttpError(
                    400,
                    ErrorCode.DIGEST_INVALID,
                    "manifest body has digest " + digest + ", not " + claimed,
                    claimed.toString());
        }
        ManifestInspector.Facts facts = ManifestInspector.inspect(body, contentType);
        StoredManifest stored = new StoredManifest(
                digest,
                facts.mediaType(),
                body,
                facts.subject(),
                facts.artifactType(),
                facts.annotationsJson(),
                facts.references().stream()
                        .map(ManifestInspector.Reference::digest)
                        .toList());
        s.gc().shared(() -> {
            checkReferences(repository, facts);
            s.storage().putManifest(repository, stored);
            if (s.storage().shared()) {
                checkStillStored(repository, digest, facts);
            }
            for (String tag : tags) {
                s.storage().tag(repository, tag, digest);
            }
            return null;
        });
        for (String tag : tags) {
            s.cache().invalidate(repository, tag);
        }
        ex.header(HttpHeader.LOCATION, "/v2/" + repository + "/manifests/" + digest)
                .header("Docker-Content-Digest", digest.toString());
        if (facts.subject() != null) {
            ex.header("OCI-Subject", facts.subject().toString());
        }
        if (queryTags != null && !queryTags.isEmpty()) {
            ex.header("OCI-Tag", String.join(",", queryTags));
        }
        ex.send(201);
    }

    private void checkReferences(String repository, ManifestInspector.Facts facts) {
        List<String> missing = new ArrayList<>();
        for (ManifestInspector.Reference ref : facts.references()) {
            if (ref.manifest()) {
                Optional<StoredManifest> child = s.storage().manifest(repository, ref.digest());
                if (child.isEmpty()) {
                    missing.add("manifest " + ref.digest());
                }
                continue;
            }
            if (ManifestInspector.nonDistributable(ref.mediaType())) {
                continue;
            }
            boolean linked = s.storage().isLinked(repository, ref.digest());
            if (linked) {
                // Before the check: a collector on another replica that lists blobs after this sees it in use.
                s.storage().touchBlob(ref.digest());
            }
            Optional<Long> size = linked ? s.storage().blobSize(ref.digest()) : Optional.empty();
            if (size.isEmpty()) {
                missing.add("blob " + ref.digest());
            } else if (size.get() != ref.size()) {
                throw new HttpError(
                        400,
                        ErrorCode.MANIFEST_INVALID,
                        "descriptor of " + ref.digest() + " says size " + ref.size() + " but the blob has " + size.get()
                                + " bytes",
                        ref.digest().toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new HttpError(
                    400,
                    ErrorCode.MANIFEST_BLOB_UNKNOWN,
                    "manifest references content that was never uploaded to " + repository + ": "
                            + String.join(", ", missing),
                    missing.get(0).substring(missing.get(0).indexOf(' ') + 1));
        }
    }

    /**
     * On a store shared by replicas, a collector elsewhere may have chosen a referenced blob before
     * this push marked it in use and removed it after the check: then the manifest just written goes
     * again and the client is told, instead of a manifest whose layers are missing staying visible.
     */
    private void checkStillStored(String repository, Digest manifest, ManifestInspector.Facts facts) {
        List<String> gone = new ArrayList<>();
        for (ManifestInspector.Reference ref : facts.references()) {
            if (!ref.manifest()
                    && !ManifestInspector.nonDistributable(ref.mediaType())
                    && s.storage().blobSize(ref.digest()).isEmpty()) {
                gone.add("blob " + ref.digest());
            }
        }
        if (!gone.isEmpty()) {
            s.storage().deleteManifest(repository, manifest);
            throw new HttpError(
                    400,
                    ErrorCode.MANIFEST_BLOB_UNKNOWN,
                    "garbage collection removed content this manifest references while it was pushed to " + repository
                            + ": " + String.join(", ", gone) + "; push it again",
                    gone.get(0).substring(gone.get(0).indexOf(' ') + 1));
        }
    }

    void delete(Exchange ex, Authenticator.Caller caller, String repository, String reference) {
        Digest digest = digestOrCheckedTag(reference);
        boolean byDigest = digest != null;
        s.auth().require(ex, caller, repository, Action.DELETE);
        if (!s.deleteEnabled()) {
            throw new HttpError(405, ErrorCode.UNSUPPORTED, "deletes are disabled on this registry");
        }
        boolean deleted = digest != null
                ? s.storage().deleteManifest(repository, digest)
                : s.storage().deleteTag(repository, reference);
        if (byDigest) {
            s.cache().invalidateRepository(repository);
        } else {
            s.cache().invalidate(repository, reference);
        }
        if (!deleted) {
            throw unknown(repository, reference);
        }
        ex.send(202);
    }

    /** The digest a manifest reference names, or null once the reference has been checked as a tag. */
    private static @Nullable Digest digestOrCheckedTag(String reference) {
        if (reference.indexOf(':') >= 0) {
            return Services.digest(reference, "reference");
        }
        checkTag(reference);
        return null;
    }

    private static void checkTag(String tag) {
        if (!Names.isTag(tag)) {
            throw new HttpError(
                    400, ErrorCode.MANIFEST_INVALID, "tag must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}", tag);
        }
    }

    private static HttpError unknown(String repository, String reference) {
        return new HttpError(
                404, ErrorCode.MANIFEST_UNKNOWN, "manifest " + reference + " is not in " + repository, reference);
    }
}
