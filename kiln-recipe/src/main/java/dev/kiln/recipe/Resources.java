package dev.kiln.recipe;

import org.jspecify.annotations.Nullable;

/** Scheduler hints (Kubernetes-style quantities); null fields are unset. */
public record Resources(
        @Nullable String cpu,
        @Nullable String cpumodel,
        @Nullable String memory,
        @Nullable String disk) {}
