package dev.kiln.recipe;

/** A step that brings upstream source into the workspace; Kiln runs these itself, before the sandbox. */
public sealed interface Source permits FetchStep, GitCheckoutStep {
    String label();
}
