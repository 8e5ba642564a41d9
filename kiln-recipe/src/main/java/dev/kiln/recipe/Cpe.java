package dev.kiln.recipe;

import org.jspecify.annotations.Nullable;

/** CPE 2.3 fields used for vulnerability matching; null fields are unset. */
public record Cpe(
        @Nullable String part,
        @Nullable String vendor,
        @Nullable String product,
        @Nullable String edition,
        @Nullable String language,
        @Nullable String swEdition,
        @Nullable String targetSw,
        @Nullable String targetHw,
        @Nullable String other) {}
