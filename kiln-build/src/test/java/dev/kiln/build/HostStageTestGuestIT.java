package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In the host-toolchain stage a test guest's {@code /usr} is the package laid over the host's; the packages of the
 * same build that it needs at run time are laid over it too, as a test environment would install them (the
 * bootstrap's stage-1 gcc finds its C++ headers in its own libstdc++-dev).
 */
class HostStageTestGuestIT {

    @Test
    void theTestGuestHoldsTheBuildsPackagesThatThePackageNeeds(@TempDir Path dir) {
        BuildFixture f = new BuildFixture(dir);
        Path recipe = f.writeRecipe("greeter", "prints a greeting that another package of its build holds", """
                  dependencies:
                    runtime:
                      - greeter-words>=1.0
                pipeline:
                  - runs: |
                      mkdir -p ${{targets.destdir}}/usr/bin ${{targets.destdir}}/usr/share/greeter-words/en
                      printf '#!/bin/sh\\ncat /usr/share/greeter-words/en/hello\\n' > ${{targets.destdir}}/usr/bin/greeter
                      chmod 755 ${{targets.destdir}}/usr/bin/greeter
                      echo hello > ${{targets.destdir}}/usr/share/greeter-words/en/hello
                subpackages:
                  - name: greeter-words
                    description: "the greeting"
                    dependencies:
                      runtime:
                        - greeter-accent
                    pipeline:
                      - runs: |
                          mkdir -p ${{targets.subpkgdir}}/usr/share
                          mv ${{targets.destdir}}/usr/share/greeter-words ${{targets.subpkgdir}}/usr/share/
                  - name: greeter-accent
                    description: "reached through greeter-words"
                    pipeline:
                      - runs: |
                          mkdir -p ${{targets.subpkgdir}}/usr/share/greeter-words/fr
                          echo bonjour > ${{targets.subpkgdir}}/usr/share/greeter-words/fr/hello
                  - name: greeter-unrelated
                    description: "not needed by greeter"
                    pipeline:
                      - runs: |
                          mkdir -p ${{targets.subpkgdir}}/usr/share/greeter-unrelated
                          touch ${{targets.subpkgdir}}/usr/share/greeter-unrelated/file
                test:
                  pipeline:
                    - runs: |
                        [ "$(greeter)" = hello ]
                        [ "$(cat /usr/share/greeter-words/fr/hello)" = bonjour ]
                        test ! -e /usr/share/greeter-unrelated
                        # the host's /usr is still beneath
                        test -x /usr/bin/env
                """);

        BuildResult result = f.build(recipe);

        assertThat(result.packages())
                .extracting(BuiltPackage::name)
                .contains("greeter", "greeter-words", "greeter-accent", "greeter-unrelated");
    }
}
