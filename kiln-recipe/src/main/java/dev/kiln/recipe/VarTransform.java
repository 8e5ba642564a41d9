package dev.kiln.recipe;

/** {@code var-transforms} entry: {@code vars.TO = regexReplaceAll(subst(FROM), MATCH, REPLACE)}. */
public record VarTransform(String path, String from, String match, String replace, String to) {}
