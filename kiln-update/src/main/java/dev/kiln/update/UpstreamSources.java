package dev.kiln.update;

import dev.kiln.recipe.BuildPlan;
import java.nio.file.Path;

/**
 * Access to upstream source for the bump and the patch check; kiln-cli implements it with the
 * build's source cache ({@code SourceFetcher}, {@code GitCheckout}) so a bump's download is the
 * build's cache hit.
 */
public interface UpstreamSources {
    /** Downloads {@code uri} and returns its checksums. */
    Download download(String uri);

    /** Writes the upstream tree that the plan's source steps produce (fetch, extract, checkout) into {@code dir}. */
    void unpack(BuildPlan plan, Path dir);

    /** A downloaded file: lower-case hex digests. */
    record Download(Path file, String sha256, String sha512) {}
}
