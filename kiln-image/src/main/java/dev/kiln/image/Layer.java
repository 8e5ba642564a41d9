package dev.kiln.image;

import dev.kiln.content.Digest;
import dev.kiln.oci.Blob;

/** A compressed layer and the digest of its uncompressed tar (the config's diff id). */
public record Layer(Blob blob, Digest diffId) {}
