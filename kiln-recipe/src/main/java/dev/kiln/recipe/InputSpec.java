package dev.kiln.recipe;

/** A declared input of a pipeline definition; {@code defaultValue} is null when none. */
public record InputSpec(String description, String defaultValue, boolean required) {}
