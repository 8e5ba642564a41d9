package dev.kiln.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The smallest catalog a reconcile can work on: one recipe ({@code tool}, a shell script built in
 * the sandbox in well under a second) and one image of it, reading the packages and the signing key
 * from where {@code kiln up} keeps them beside the catalog ({@code packages/}, {@code .kiln/keys/}).
 */
public final class ToolCatalog {
    public static final String RECIPE = """
            package:
              name: tool
              version: "1.0.0"
              epoch: 0
              description: "a tiny tool"
              copyright:
                - license: MIT
            pipeline:
              - runs: |
                  mkdir -p ${{targets.destdir}}/usr/bin
                  printf '#!/bin/sh\\necho tool\\n' > ${{targets.destdir}}/usr/bin/tool
                  chmod 755 ${{targets.destdir}}/usr/bin/tool
            """;

    public static final String IMAGE = """
            contents:
              repositories:
                - ../../packages
              keyring:
                - ../../.kiln/keys/kiln.rsa.pub
              packages:
                - tool
            entrypoint:
              command: /usr/bin/tool
            archs:
              - x86_64
            """;

    private ToolCatalog() {}

    /** Writes {@code dir/catalog/recipes/tool.yaml} and {@code dir/catalog/images/tool.yaml}; returns the catalog. */
    public static Path write(Path dir) throws IOException {
        Path catalog = dir.resolve("catalog");
        Files.writeString(Files.createDirectories(catalog.resolve("recipes")).resolve("tool.yaml"), RECIPE);
        Files.writeString(Files.createDirectories(catalog.resolve("images")).resolve("tool.yaml"), IMAGE);
        return catalog;
    }
}
