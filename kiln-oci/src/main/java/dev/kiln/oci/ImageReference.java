package dev.kiln.oci;

import dev.kiln.content.ContentException;
import dev.kiln.content.Digest;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An image reference {@code [REGISTRY[:PORT]/]REPOSITORY[:TAG][@DIGEST]} with Docker's defaults: no
 * registry means {@code docker.io}, and a one-component repository there gets {@code library/}.
 * A first component is a registry when it holds a dot or a colon or is {@code localhost}.
 * {@code tag} and {@code digest} are each nullable; a reference with neither names the repository.
 */
public final class ImageReference {
    public static final String DOCKER_HUB = "docker.io";

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern REGISTRY = Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
            + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?");

    private final String registry;
    private final String repository;
    private final @Nullable String tag;
    private final @Nullable Digest digest;

    private ImageReference(String registry, String repository, @Nullable String tag, @Nullable Digest digest) {
        this.registry = registry;
        this.repository = repository;
        this.tag = tag;
        this.digest = digest;
    }

    public static ImageReference of(
            @Nullable String registry, String repository, @Nullable String tag, @Nullable Digest digest) {
        String reg = registry == null || registry.isEmpty() ? DOCKER_HUB : registry;
        if (!REGISTRY.matcher(reg).matches()) {
            throw new OciException("image reference: registry '" + reg + "' is not a host[:port]");
        }
        if (repository == null || repository.isEmpty()) {
            throw new OciException("image reference: repository is empty");
        }
        String repo = reg.equals(DOCKER_HUB) && !repository.contains("/") ? "library/" + repository : repository;
        for (String c : repo.split("/", -1)) {
            if (!COMPONENT.matcher(c).matches()) {
                throw new OciException("image reference: repository '" + repo + "' has component '" + c
                        + "'; expected lowercase letters and digits separated by '.', '_', '__' or '-'");
            }
        }
        if (repo.length() > 255) {
            throw new OciException("image reference: repository is " + repo.length() + " characters; at most 255");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw new OciException("image reference: tag '" + tag + "' must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
        }
        return new ImageReference(reg, repo, tag, digest);
    }

    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new OciException("image reference is empty");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (ContentException e) {
                throw new OciException("image reference '" + text + "': " + e.getMessage(), e);
            }
            rest = rest.substring(0, at);
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon >= 0 && colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        try {
            return of(registry, rest, tag, digest);
        } catch (OciException e) {
            throw new OciException("image reference '" + text + "': " + e.getMessage(), e);
        }
    }

    /** Host and optional port, e.g. {@code docker.io} or {@code 127.0.0.1:5000}. */
    public String registry() {
        return registry;
    }

    public String repository() {
        return repository;
    }

    /** The tag, or null. */
    public @Nullable String tag() {
        return tag;
    }

    /** The digest, or null. */
    public @Nullable Digest digest() {
        return digest;
    }

    /** What a registry's manifest endpoint takes: the digest when there is one, else the tag, else {@code latest}. */
    public String identifier() {
        return digest != null ? digest.toString() : tag != null ? tag : "latest";
    }

    public ImageReference withTag(String newTag) {
        return of(registry, repository, newTag, digest);
    }

    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(registry, repository, tag, newDigest);
    }

    /** The same repository without tag or digest. */
    public ImageReference repositoryReference() {
        return new ImageReference(registry, repository, null, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageReference r && r.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** The full form, e.g. {@code docker.io/library/alpine:3.20@sha256:…}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(registry).append('/').append(repository);
        if (tag != null) {
            sb.append(':').append(tag);
        }
        if (digest != null) {
            sb.append('@').append(digest);
        }
        return sb.toString();
    }
}
