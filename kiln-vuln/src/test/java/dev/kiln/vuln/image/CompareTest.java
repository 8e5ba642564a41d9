package dev.kiln.vuln.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.oci.OciLayout;
import dev.kiln.vuln.compare.ImageComparison;
import dev.kiln.vuln.compare.ImageFacts;
import dev.kiln.vuln.compare.PackageDiff;
import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.match.DistroFeed;
import dev.kiln.vuln.match.Matcher;
import dev.kiln.vuln.match.OsvIndex;
import dev.kiln.vuln.match.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareTest {
    @TempDir
    Path tmp;

    LoadedImage image(String name, String helloVersion, boolean shell) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Path layout = dir.resolve("layout");
        new OciLayout(layout).write(KilnImages.hello(dir, helloVersion, shell).images(), null);
        return new ImageLoader(null).load(layout.toString(), null);
    }

    static ImageFacts facts(LoadedImage image) {
        Inventory inv = Inventories.of(image.rootfs());
        return ImageFacts.of(
                image,
                inv,
                new Matcher(DistroFeed.empty(), OsvIndex.empty(), List.of()).scan(image.name(), inv, List.of(), null));
    }

    @Test
    void labelsShowShellUserAgeAndTheDiffShowsPackages() throws Exception {
        LoadedImage v1 = image("v1", "2.12-r0", false);
        LoadedImage v2 = image("v2", "2.13-r0", true);
        ImageFacts a = facts(v1);
        ImageFacts b = facts(v2);
        assertThat(a.shells()).isEmpty();
        assertThat(b.shells()).containsExactly("sh", "busybox");
        assertThat(a.packageManagers()).isEmpty();
        assertThat(a.user()).isEqualTo("65532");
        assertThat(a.runsAsRoot()).contains(false);
        assertThat(a.packages()).isEqualTo(3);
        assertThat(b.packages()).isEqualTo(4);
        assertThat(a.newest().name()).isEqualTo("hello");
        assertThat(a.newest().built()).isEqualTo(Instant.ofEpochSecond(KilnImages.BUILD_DATE));
        assertThat(a.oldest().name()).isEqualTo("kiln-baselayout");
        assertThat(a.cves()).containsEntry(Severity.CRITICAL, 0);
        assertThat(a.compressedSize()).isEqualTo(v1.compressedSize()).isPositive();
        assertThat(a.files()).isEqualTo(v1.rootfs().files().size()).isPositive();
        assertThat(b.files()).isGreaterThan(a.files()); // busybox
        assertThat(a.setuidFiles()).isEmpty();

        ImageComparison cmp = new ImageComparison(a, b, Instant.ofEpochSecond(KilnImages.BUILD_DATE + 86_400 * 10));
        assertThat(cmp.sizeRatio(false)).isGreaterThan(1.0);
        assertThat(cmp.table())
                .contains(
                        "shell",
                        "no",
                        "yes (sh, busybox)",
                        "65532 — not root",
                        "built 10 days ago (hello 2.12-r0, 2025-06-15)",
                        "built 40 days ago (kiln-baselayout 20250601-r0");
        assertThat(cmp.markdown())
                .startsWith("| | " + v1.name() + " | " + v2.name() + " |\n|---|---|---|\n")
                .contains("| packages | 3 | 4 |")
                .contains("| files | " + a.files() + " | " + b.files() + " |")
                .contains("| setuid/setgid files | 0 | 0 |");
        assertThat(cmp.jsonText())
                .contains("\"shells\" : [ \"sh\", \"busybox\" ]")
                .contains("\"root\" : false")
                .contains("\"files\" : " + a.files() + ",")
                .contains("\"setuidFiles\" : [ ]")
                .contains("\"ageDays\" : 10")
                .contains("\"ageHours\" : 240");

        PackageDiff diff = PackageDiff.of(Inventories.of(v1.rootfs()), Inventories.of(v2.rootfs()));
        assertThat(diff.added()).extracting(p -> p.name()).containsExactly("busybox");
        assertThat(diff.removed()).isEmpty();
        assertThat(diff.changed()).singleElement().satisfies(c -> {
            assertThat(c.from().version()).isEqualTo("2.12-r0");
            assertThat(c.to().version()).isEqualTo("2.13-r0");
        });
        assertThat(diff.text()).isEqualTo("""
                           + busybox 1.37.0-r0
                           ~ hello 2.12-r0 -> 2.13-r0
                           1 added, 0 removed, 1 changed
                           """);
        assertThat(PackageDiff.of(Inventories.of(v1.rootfs()), Inventories.of(v1.rootfs()))
                        .isEmpty())
                .isTrue();
    }
}
