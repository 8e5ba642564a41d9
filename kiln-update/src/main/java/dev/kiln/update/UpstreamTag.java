package dev.kiln.update;

/** A raw release name as upstream shows it; {@code commit} is the peeled commit when known, else null. */
public record UpstreamTag(String name, String commit) {}
