package dev.kiln.recipe;

import org.jspecify.annotations.Nullable;

/** {@code uses: fetch}, compiled to a native download; exactly one checksum or {@code expectedNone}. */
public record FetchStep(
        String label,
        String uri,
        @Nullable String expectedSha256,
        @Nullable String expectedSha512,
        boolean expectedNone,
        int stripComponents,
        String directory,
        boolean extract,
        boolean delete,
        @Nullable String purlName,
        @Nullable String purlVersion,
        String workingDirectory)
        implements Step, Source {}
