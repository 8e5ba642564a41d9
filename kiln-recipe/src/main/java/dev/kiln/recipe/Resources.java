package dev.kiln.recipe;

/** Scheduler hints (Kubernetes-style quantities); null fields are unset. */
public record Resources(String cpu, String cpumodel, String memory, String disk) {}
