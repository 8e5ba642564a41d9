package dev.kiln.oci.distribution;

import dev.kiln.content.Digest;
import org.jspecify.annotations.Nullable;

/** Content read from a registry with the media type it was served as and its verified digest. */
public record Fetched<T>(@Nullable String mediaType, Digest digest, T body) {}
