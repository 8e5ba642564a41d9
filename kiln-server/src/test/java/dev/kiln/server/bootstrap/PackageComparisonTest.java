package dev.kiln.server.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stage-2 package against its stage-3 twin when one side or both are absent, or the bytes are equal. */
class PackageComparisonTest {
    @TempDir
    Path dir;

    @Test
    void aPackageMissingFromOneStageNamesThatStageAndKeepsTheOtherDigest() throws IOException {
        Path three = Files.writeString(dir.resolve("three.apk"), "stage 3 bytes");

        PackageComparison onlyThree = PackageComparison.of("r", "p-1-r0.apk", null, three);
        PackageComparison onlyTwo = PackageComparison.of("r", "p-1-r0.apk", three, dir.resolve("absent.apk"));

        assertThat(onlyThree.verdict()).isEqualTo(PackageComparison.Verdict.MISSING);
        assertThat(onlyThree.difference()).isEqualTo("missing from stage 2");
        assertThat(onlyThree.sha256A()).isNull();
        assertThat(onlyThree.sha256B()).hasSize(64);
        assertThat(onlyTwo.verdict()).isEqualTo(PackageComparison.Verdict.MISSING);
        assertThat(onlyTwo.difference()).isEqualTo("missing from stage 3");
        assertThat(onlyTwo.sha256A()).isEqualTo(onlyThree.sha256B());
        assertThat(onlyTwo.sha256B()).isNull();
    }

    @Test
    void aPackageMissingFromBothStagesIsMissingFromStageTwo() {
        PackageComparison c = PackageComparison.of("r", "p-1-r0.apk", null, null);

        assertThat(c.verdict()).isEqualTo(PackageComparison.Verdict.MISSING);
        assertThat(c.difference()).isEqualTo("missing from stage 2");
        assertThat(c.identical()).isFalse();
    }

    @Test
    void equalBytesAreIdenticalWithoutADifference() throws IOException {
        Path a = Files.writeString(dir.resolve("a.apk"), "same bytes");
        Path b = Files.writeString(dir.resolve("b.apk"), "same bytes");

        PackageComparison c = PackageComparison.of("r", "p-1-r0.apk", a, b);

        assertThat(c.identical()).isTrue();
        assertThat(c.sha256A()).isEqualTo(c.sha256B());
        assertThat(c.difference()).isNull();
    }
}
