package dev.kiln.update;

import org.jspecify.annotations.Nullable;

/** A raw release name as upstream shows it; {@code commit} is the peeled commit when known, else null. */
public record UpstreamTag(String name, @Nullable String commit) {}
