package dev.kiln.recipe;

/** CPE 2.3 fields used for vulnerability matching; null fields are unset. */
public record Cpe(
        String part,
        String vendor,
        String product,
        String edition,
        String language,
        String swEdition,
        String targetSw,
        String targetHw,
        String other) {}
