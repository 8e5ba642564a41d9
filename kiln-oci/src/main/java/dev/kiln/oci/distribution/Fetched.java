package dev.kiln.oci.distribution;

import dev.kiln.content.Digest;

/** Content read from a registry with the media type it was served as and its verified digest. */
public record Fetched<T>(String mediaType, Digest digest, T body) {}
