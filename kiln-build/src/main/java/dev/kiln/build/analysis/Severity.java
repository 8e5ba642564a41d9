package dev.kiln.build.analysis;

/** How a lint finding affects the build: errors fail it, warnings are reported. */
public enum Severity {
    ERROR,
    WARNING
}
