package dev.kiln.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void parsesPlainCountsAndBinarySuffixes() {
        assertThat(ByteSizes.parse("512")).isEqualTo(512);
        assertThat(ByteSizes.parse("512M")).isEqualTo(512L << 20);
        assertThat(ByteSizes.parse("64g")).isEqualTo(64L << 30);
        assertThat(ByteSizes.parse("1TB")).isEqualTo(1L << 40);
    }

    @Test
    void refusesWhatIsNotAPositiveSizeNamingIt() {
        for (String bad : new String[] {"", "0", "-1", "12X", "M", "9999999999T"}) {
            assertThatThrownBy(() -> ByteSizes.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void formatsAsPeopleReadSizes() {
        assertThat(ByteSizes.format(980)).isEqualTo("980 B");
        assertThat(ByteSizes.format(1_468_006)).isEqualTo("1.4 MiB");
        assertThat(ByteSizes.format(3L << 40)).isEqualTo("3.0 TiB");
    }
}
