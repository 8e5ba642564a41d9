package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package that records its build's wall-clock day is reported when it is assembled (it would differ on every
 * rebuild, as perl's did in the toolchain bootstrap); one dated from SOURCE_DATE_EPOCH is not.
 */
class BuildTimeLeakIT {

    @Test
    void aPackageHoldingTheDayOfItsBuildIsReported(@TempDir Path dir) {
        BuildFixture f = new BuildFixture(dir);
        Path recipe = f.writeRecipe("stamped", "writes the time it was built, and the time it should say", """
                pipeline:
                  - runs: |
                      mkdir -p ${{targets.destdir}}/usr/share/stamped
                      date -u > ${{targets.destdir}}/usr/share/stamped/built
                subpackages:
                  - name: stamped-fixed
                    description: "the same, from SOURCE_DATE_EPOCH"
                    pipeline:
                      - runs: |
                          mkdir -p ${{targets.subpkgdir}}/usr/share/stamped-fixed
                          date -u -d "@$SOURCE_DATE_EPOCH" > ${{targets.subpkgdir}}/usr/share/stamped-fixed/built
                """);

        BuildResult result = f.build(recipe, dir.resolve("repo"), false, null, 1_700_000_000L);

        Map<String, BuiltPackage> byName =
                result.packages().stream().collect(Collectors.toMap(BuiltPackage::name, Function.identity()));
        assertThat(byName.get("stamped").warnings())
                .anySatisfy(w -> assertThat(w)
                        .startsWith("buildtime: usr/share/stamped/built: contains the day of the build")
                        .contains("SOURCE_DATE_EPOCH is 2023-11-14"));
        assertThat(byName.get("stamped-fixed").warnings()).noneMatch(w -> w.startsWith("buildtime:"));
    }
}
