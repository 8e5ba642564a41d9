package dev.kiln.recipe;

import org.jspecify.annotations.Nullable;

/** A declared input of a pipeline definition; {@code defaultValue} is null when none. */
public record InputSpec(
        @Nullable String description, @Nullable String defaultValue, boolean required) {}
