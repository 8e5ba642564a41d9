package dev.kiln.attest;

import java.util.List;
import java.util.Objects;

/** The components (by {@link SbomComponent#ref()}) that the component {@code ref} depends on or contains, in order. */
public record SbomDependency(String ref, List<String> dependsOn) {
    public SbomDependency {
        Objects.requireNonNull(ref, "ref");
        dependsOn = List.copyOf(dependsOn);
    }
}
