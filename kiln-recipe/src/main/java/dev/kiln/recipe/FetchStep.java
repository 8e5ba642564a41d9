package dev.kiln.recipe;

/** {@code uses: fetch}, compiled to a native download; exactly one checksum or {@code expectedNone}. */
public record FetchStep(
        String label,
        String uri,
        String expectedSha256,
        String expectedSha512,
        boolean expectedNone,
        int stripComponents,
        String directory,
        boolean extract,
        boolean delete,
        String purlName,
        String purlVersion,
        String workingDirectory)
        implements Step, Source {}
