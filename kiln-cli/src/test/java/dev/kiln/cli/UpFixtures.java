package dev.kiln.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the {@code kiln up}, {@code kiln bootstrap} and hermetic {@code kiln build} ITs share: the {@code up} command
 * line, a static busybox recipe and recipes built on it.
 */
final class UpFixtures {
    private UpFixtures() {}

    /**
     * {@code kiln up --once} of {@code catalog} on a free port, its repository, state and (absent) sources under
     * {@code dir}, then {@code extra}.
     */
    static String[] once(Path dir, Path catalog, String... extra) {
        List<String> args = new ArrayList<>(List.of("--once"));
        args.addAll(List.of(extra));
        return up(dir, catalog, args.toArray(String[]::new));
    }

    /**
     * {@code kiln up} of {@code catalog} serving the registry on a free port, its repository, state and (absent)
     * sources under {@code dir}, then {@code extra}.
     */
    static String[] up(Path dir, Path catalog, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "up",
                "--addr",
                "127.0.0.1:0",
                "--catalog",
                catalog.toString(),
                "--out-dir",
                dir.resolve("packages").toString(),
                "--state-dir",
                dir.resolve(".kiln").toString(),
                "--sources",
                dir.resolve("no-sources").toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /**
     * A recipe of package {@code name} (MIT) built in an environment of busybox and {@code needs}, followed by
     * {@code rest} ({@code pipeline:} and what comes after it).
     */
    static String onBusybox(String name, String version, String description, List<String> needs, String rest) {
        StringBuilder packages = new StringBuilder("      - busybox\n");
        needs.forEach(n -> packages.append("      - ").append(n).append('\n'));
        return """
                package:
                  name: %s
                  version: "%s"
                  epoch: 0
                  description: "%s"
                  copyright:
                    - license: MIT
                environment:
                  contents:
                    packages:
                """.formatted(name, version, description) + packages + rest;
    }

    /** A recipe packaging the host's static {@code /bin/busybox} with links for {@code applets} (space-separated). */
    static String staticBusyboxRecipe(String applets) {
        return """
                package:
                  name: busybox
                  version: "1.0"
                  epoch: 0
                  description: static busybox
                  copyright:
                    - license: GPL-2.0-only
                  checks:
                    disabled:
                      - hardening
                environment:
                  contents:
                    packages:
                      - busybox
                pipeline:
                  - runs: |
                      mkdir -p ${{targets.destdir}}/usr/bin
                      cp /bin/busybox ${{targets.destdir}}/usr/bin/busybox
                      ln -s usr/bin ${{targets.destdir}}/bin
                      for a in %s; do ln -s busybox ${{targets.destdir}}/usr/bin/$a; done
                """.formatted(applets);
    }
}
