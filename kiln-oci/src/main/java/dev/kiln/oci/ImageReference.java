package dev.kiln.oci;

import dev.kiln.content.Digest;
import java.util.Objects;

/**
 * PLACEHOLDER written by the registry work so the distribution client compiles; the image
 * engineer's ImageReference replaces it on merge. Same accessors: registry, repository, tag
 * (nullable), digest (nullable), withTag, withDigest, parse.
 */
public final class ImageReference {
    private final String registry;
    private final String repository;
    private final String tag;
    private final Digest digest;

    private ImageReference(String registry, String repository, String tag, Digest digest) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.tag = tag;
        this.digest = digest;
    }

    public static ImageReference parse(String text) {
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Digest.parse(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        int slash = rest.indexOf('/');
        String first = slash < 0 ? "" : rest.substring(0, slash);
        String registry;
        String repository;
        if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
            registry = first;
            repository = rest.substring(slash + 1);
        } else {
            registry = "docker.io";
            repository = slash < 0 ? "library/" + rest : rest;
        }
        if (repository.isEmpty()) {
            throw new IllegalArgumentException("image reference '" + text + "' has no repository");
        }
        return new ImageReference(registry, repository, tag, digest);
    }

    public String registry() {
        return registry;
    }

    public String repository() {
        return repository;
    }

    public String tag() {
        return tag;
    }

    public Digest digest() {
        return digest;
    }

    public ImageReference withTag(String newTag) {
        return new ImageReference(registry, repository, newTag, null);
    }

    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(registry, repository, null, newDigest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageReference r && registry.equals(r.registry) && repository.equals(r.repository)
                && Objects.equals(tag, r.tag) && Objects.equals(digest, r.digest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(registry, repository, tag, digest);
    }

    @Override
    public String toString() {
        return registry + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
