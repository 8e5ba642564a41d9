package dev.kiln.apk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.apk.Dependency.Operator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DependencyTest {
    @ParameterizedTest
    @CsvSource({
        "busybox, busybox, ANY, , , false",
        "so:libc.so.6, so:libc.so.6, ANY, , , false",
        "openssl>3.2, openssl, GREATER, 3.2, , false",
        "openssl>=3.2-r1, openssl, GREATER_EQUAL, 3.2-r1, , false",
        "foo<=1, foo, LESS_EQUAL, 1, , false",
        "foo<1, foo, LESS, 1, , false",
        "foo=1.0-r0, foo, EQUAL, 1.0-r0, , false",
        "busybox~1.6, busybox, FUZZY, 1.6, , false",
        "busybox=~1.6, busybox, FUZZY, 1.6, , false",
        "foo>~2, foo, GREATER_FUZZY, 2, , false",
        "foo<~2, foo, LESS_FUZZY, 2, , false",
        "!foo, foo, ANY, , , true",
        "!foo<2, foo, LESS, 2, , true",
        "foo@edge, foo, ANY, , edge, false",
        "foo@edge>=1, foo, GREATER_EQUAL, 1, edge, false",
        "foo=1@edge, foo, EQUAL, 1, edge, false",
        "foo><Q1abc=, foo, CHECKSUM, Q1abc=, , false",
        "/bin/sh, /bin/sh, ANY, , , false",
    })
    void parses(String atom, String name, Operator op, String version, String tag, boolean conflict) {
        Dependency d = Dependency.parse(atom);
        assertThat(d.name()).isEqualTo(name);
        assertThat(d.operator()).isEqualTo(op);
        assertThat(d.version()).isEqualTo(version);
        assertThat(d.tag()).isEqualTo(tag);
        assertThat(d.isConflict()).isEqualTo(conflict);
        assertThat(Dependency.parse(d.toString())).isEqualTo(d);
    }

    @Test
    void canonicalTextPutsTagBeforeOperator() {
        assertThat(Dependency.parse("foo=1@edge")).hasToString("foo@edge=1");
        assertThat(Dependency.parse("busybox=~1.6")).hasToString("busybox~1.6");
        assertThat(Dependency.parse("!foo>=2")).hasToString("!foo>=2");
    }

    @Test
    void satisfaction() {
        Dependency fuzzy = Dependency.parse("busybox~1.6");
        assertThat(fuzzy.satisfiedBy("busybox", "1.6")).isTrue();
        assertThat(fuzzy.satisfiedBy("busybox", "1.6.0_pre1")).isTrue();
        assertThat(fuzzy.satisfiedBy("busybox", "1.6.5")).isTrue();
        assertThat(fuzzy.satisfiedBy("busybox", "1.6.9_p1-r3")).isTrue();
        assertThat(fuzzy.satisfiedBy("busybox", "1.7")).isFalse();
        assertThat(fuzzy.satisfiedBy("toybox", "1.6")).isFalse();

        Dependency ge = Dependency.parse("openssl>=3.1.4-r0");
        assertThat(ge.satisfiedBy("openssl", "3.1.4-r0")).isTrue();
        assertThat(ge.satisfiedBy("openssl", "3.1.10-r0")).isTrue();
        assertThat(ge.satisfiedBy("openssl", "3.1.3-r9")).isFalse();
        assertThat(Dependency.parse("foo<2").satisfiedBy("foo", "2_rc1")).isTrue();
        assertThat(Dependency.parse("foo>2").satisfiedBy("foo", "2-r1")).isTrue();
        assertThat(Dependency.parse("foo=2").satisfiedBy("foo", "2-r0")).isFalse();
        assertThat(Dependency.parse("foo<~3.6").satisfiedBy("foo", "3.6.9")).isTrue();
        assertThat(Dependency.parse("foo<~3.6").satisfiedBy("foo", "3.5")).isTrue();
        assertThat(Dependency.parse("foo<~3.6").satisfiedBy("foo", "3.7")).isFalse();

        Dependency conflict = Dependency.parse("!foo<2");
        assertThat(conflict.satisfiedBy("foo", "1.0")).isFalse();
        assertThat(conflict.satisfiedBy("foo", "2.0")).isTrue();
        assertThat(conflict.satisfiedBy("bar", "1.0")).isTrue();
    }

    @Test
    void brokenVersionIsKeptButNeverSatisfied() {
        Dependency d = Dependency.parse("foo>=1.x");
        assertThat(d.versionValid()).isFalse();
        assertThat(d.satisfiedBy("foo", "9")).isFalse();
    }

    @Test
    void listsAndErrors() {
        assertThat(Dependency.parseList(" so:libc.so.6  busybox>1 "))
                .extracting(Dependency::name)
                .containsExactly("so:libc.so.6", "busybox");
        assertThat(Dependency.parseList("")).isEmpty();
        assertThatThrownBy(() -> Dependency.parse("foo>="))
                .isInstanceOf(ApkException.class)
                .hasMessageContaining("'foo>='");
        assertThatThrownBy(() -> Dependency.parse(">=1")).isInstanceOf(ApkException.class);
        assertThatThrownBy(() -> Dependency.parse("foo bar")).isInstanceOf(ApkException.class);
    }
}
