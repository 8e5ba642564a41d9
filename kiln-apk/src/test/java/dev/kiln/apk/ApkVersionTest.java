package dev.kiln.apk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ApkVersionTest {
    static final Path VECTORS =
            Path.of(System.getProperty("kiln.repo.root", ".")).resolve("../shared/testdata/apk-version.data");

    static List<String> lines() throws IOException {
        return Files.readAllLines(VECTORS);
    }

    /** Every line of apk-tools' version.data, blank lines included so the count is exactly the file's. */
    static Stream<Arguments> vectors() throws IOException {
        List<String> lines = lines();
        List<Arguments> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            out.add(Arguments.of(i + 1, lines.get(i)));
        }
        return out.stream();
    }

    @Test
    void vectorFileHas788Lines() throws IOException {
        assertThat(lines()).hasSize(788);
        assertThat(vectors().count()).isEqualTo(788);
    }

    @ParameterizedTest(name = "line {0}: {1}")
    @MethodSource("vectors")
    void vector(int lineNo, String line) {
        String text = line.replaceAll("#.*", "").trim();
        if (line.isBlank()) {
            return; // the separator between sections
        }
        String[] parts = text.split("\\s+");
        if (parts.length == 1) {
            String v = parts[0];
            if (v.startsWith("!")) {
                assertThat(ApkVersion.isValid(v.substring(1)))
                        .as("'%s' must be invalid", v.substring(1))
                        .isFalse();
            } else {
                assertThat(ApkVersion.isValid(v)).as("'%s' must be valid", v).isTrue();
            }
            return;
        }
        assertThat(parts).hasSize(3);
        String a = parts[0];
        String op = parts[1];
        String b = parts[2];
        switch (op) {
            case "<" -> assertThat(ApkVersion.compare(a, b)).isNegative();
            case ">" -> assertThat(ApkVersion.compare(a, b)).isPositive();
            case "=" -> assertThat(ApkVersion.compare(a, b)).isZero();
            case "~" -> assertThat(ApkVersion.fuzzyMatch(a, b)).isTrue();
            case "!~" -> assertThat(ApkVersion.fuzzyMatch(a, b)).isFalse();
            case "<~" -> assertThat(ApkVersion.compareFuzzy(a, b)).isLessThanOrEqualTo(0);
            case ">~" -> assertThat(ApkVersion.compareFuzzy(a, b)).isGreaterThanOrEqualTo(0);
            default -> throw new AssertionError("line " + lineNo + ": unknown operator " + op);
        }
        if (op.length() == 1 && !op.equals("~")) {
            // comparisons must be antisymmetric
            assertThat(Integer.signum(ApkVersion.compare(b, a))).isEqualTo(-Integer.signum(ApkVersion.compare(a, b)));
        }
    }

    @Test
    void parseRejectsInvalidWithText() {
        assertThatThrownBy(() -> ApkVersion.parse("0.1_foobar"))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("'0.1_foobar'");
        assertThat(ApkVersion.parse("1.2.3-r4").revision()).isEqualTo(4);
        assertThat(ApkVersion.parse("1.2.3-r4").upstream()).isEqualTo("1.2.3");
        assertThat(ApkVersion.parse("1.2.3").revision()).isZero();
    }

    @Test
    void orderingExamples() {
        assertThat(ApkVersion.parse("8.2.0015")).isLessThan(ApkVersion.parse("8.2.002"));
        assertThat(ApkVersion.parse("2.18.3-r10")).isGreaterThan(ApkVersion.parse("2.18.3-r9"));
        assertThat(ApkVersion.parse("0")).isLessThan(ApkVersion.parse("0.0.1"));
        assertThat(ApkVersion.compare("99999999999999999999999", "99999999999999999999998"))
                .isPositive();
        List<String> sorted = Stream.of("1.0", "1.0_rc1", "1.0-r1", "1.0_p1", "0.9")
                .map(ApkVersion::parse)
                .sorted()
                .map(v -> v.toString())
                .toList();
        assertThat(sorted).containsExactly("0.9", "1.0_rc1", "1.0", "1.0-r1", "1.0_p1");
    }

    @Test
    void strictIsGoApkGrammar() {
        assertThat(ApkVersion.isStrict("1.2.3_rc1_p2-r0")).isTrue();
        assertThat(ApkVersion.isStrict("1.2a")).isTrue();
        assertThat(ApkVersion.isStrict("0.1_pre2~1234abcd")).isFalse();
        assertThat(ApkVersion.isStrict("0.1_p1_pre2")).isFalse();
        assertThat(ApkVersion.isValid("0.1_p1_pre2")).isTrue();
    }
}
