package dev.kiln.recipe;

/** One compiled, fully substituted step of a build or test. */
public sealed interface Step permits ShellStep, FetchStep, GitCheckoutStep {
    String label();
}
