package dev.kiln.oci;

/** Where images go: a layout directory, an archive, a registry. */
public interface ImageSink {
    /**
     * Writes {@code images} under {@code tag} (a tag or full reference, as the sink understands it).
     * Returns the digest of what the tag now names.
     */
    dev.kiln.content.Digest write(OciImageSet images, String tag);
}
