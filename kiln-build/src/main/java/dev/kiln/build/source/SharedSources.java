package dev.kiln.build.source;

import java.io.InputStream;
import java.util.Optional;

/**
 * A source store that several machines share (the build queue's workers), consulted by {@link SourceFetcher} after
 * its own {@link SourceCache} and before the upstream: a tarball one worker fetched is not fetched from upstream
 * again by the others. Nothing read from it is trusted: the fetcher hashes what it reads into its cache and uses it
 * only when it has the recipe's checksum.
 */
public interface SharedSources {
    /** No shared store: every machine fetches from upstream. */
    SharedSources NONE = new SharedSources() {
        @Override
        public Optional<InputStream> open(SourceChecksum checksum) {
            return Optional.empty();
        }

        @Override
        public void put(SourceCache.Imported file) {}
    };

    /** The bytes stored for {@code checksum}, or empty; the caller closes the stream and checks the bytes. */
    Optional<InputStream> open(SourceChecksum checksum);

    /** Stores a file whose checksums were computed from its bytes; a file already stored stays as it is. */
    void put(SourceCache.Imported file);
}
