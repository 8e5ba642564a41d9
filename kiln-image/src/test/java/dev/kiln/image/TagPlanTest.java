package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class TagPlanTest {
    @Test
    void aReleaseGetsLatestEveryPrecisionAndTheImmutableEpochTag() {
        TagPlan plan = TagPlan.forVersion("3.13.5-r2", false);
        assertThat(plan.moving()).containsExactly("latest", "3", "3.13", "3.13.5");
        assertThat(plan.immutable()).isEqualTo("3.13.5-r2");
    }

    @Test
    void theDevVariantGetsDevCounterparts() {
        TagPlan plan = TagPlan.forVersion("3.13.5-r2", true);
        assertThat(plan.all()).containsExactly("latest-dev", "3-dev", "3.13-dev", "3.13.5-dev", "3.13.5-r2-dev");
    }

    @Test
    void lettersStayInTheirComponentAndPreReleasesMoveOnlyTheirOwnTag() {
        assertThat(TagPlan.forVersion("2026b-r0", false).all()).containsExactly("latest", "2026b", "2026b-r0");
        assertThat(TagPlan.forVersion("1.1.1w-r3", false).moving()).containsExactly("latest", "1", "1.1", "1.1.1w");
        assertThat(TagPlan.forVersion("3.14.0_rc1-r0", false).all()).containsExactly("3.14.0_rc1", "3.14.0_rc1-r0");
    }

    @Test
    void withoutAVersionOnlyLatest() {
        assertThat(TagPlan.latestOnly(false).all()).containsExactly("latest");
        assertThat(TagPlan.latestOnly(true).all()).containsExactly("latest-dev");
    }

    @Test
    void aTextThatIsNoApkVersionIsRefused() {
        assertThatThrownBy(() -> TagPlan.forVersion("three", false))
                .hasMessageContaining("'three': not an APK version");
    }

    @Property
    void versionTagsArePrefixesAtComponentBoundaries(
            @ForAll("versions") String upstream, @ForAll("epochs") int epoch, @ForAll boolean dev) {
        String suffix = dev ? "-dev" : "";
        TagPlan plan = TagPlan.forVersion(upstream + "-r" + epoch, dev);
        assertThat(plan.moving().get(0)).isEqualTo("latest" + suffix);
        assertThat(plan.immutable()).isEqualTo(upstream + "-r" + epoch + suffix);
        List<String> versions = plan.moving().subList(1, plan.moving().size()).stream()
                .map(t -> t.substring(0, t.length() - suffix.length()))
                .toList();
        assertThat(versions).last().isEqualTo(upstream);
        for (String v : versions) {
            assertThat(upstream).startsWith(v);
            assertThat(v.length() == upstream.length() || upstream.charAt(v.length()) == '.')
                    .as("%s ends at a component boundary of %s", v, upstream)
                    .isTrue();
        }
        assertThat(versions).hasSize(upstream.split("\\.").length).doesNotHaveDuplicates();
    }

    @Provide
    Arbitrary<String> versions() {
        return Arbitraries.integers()
                .between(0, 999)
                .list()
                .ofMinSize(1)
                .ofMaxSize(5)
                .map(parts -> parts.stream().map(String::valueOf).collect(Collectors.joining(".")));
    }

    @Provide
    Arbitrary<Integer> epochs() {
        return Arbitraries.integers().between(0, 50);
    }
}
