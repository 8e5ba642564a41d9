package dev.kiln.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PurlTest {
    @Test
    void qualifiersAreSortedByKeyAndEmptyOnesDropped() {
        Purl p = Purl.of("apk", "wolfi", "openssl", "3.4.0-r3")
                .withQualifier("upstream", "openssl-src")
                .withQualifier("distro", "wolfi-20250101")
                .withQualifier("Arch", "x86_64")
                .withQualifier("empty", "");
        assertThat(p)
                .hasToString("pkg:apk/wolfi/openssl@3.4.0-r3?arch=x86_64&distro=wolfi-20250101&upstream=openssl-src");
    }

    @Test
    void plusAtAndSlashInsideAComponentArePercentEncodedAndColonIsNot() {
        assertThat(Purl.of("deb", "debian", "login", "1:4.13+dfsg1-1+b1"))
                .hasToString("pkg:deb/debian/login@1:4.13%2Bdfsg1-1%2Bb1");
        assertThat(Purl.of("generic", null, "tool", "1.0@abc/def")).hasToString("pkg:generic/tool@1.0%40abc%2Fdef");
        assertThat(Purl.of("npm", "@angular", "core", "1.0.0 beta"))
                .hasToString("pkg:npm/%40angular/core@1.0.0%20beta");
        assertThat(Purl.encode("a:b+c~d_e.f-g/h")).isEqualTo("a:b%2Bc~d_e.f-g%2Fh");
        assertThat(Purl.encode("ü")).isEqualTo("%C3%BC");
    }

    @Test
    void aQualifierValueKeepsItsColonsButEncodesItsSlashes() {
        Purl p = Purl.of("generic", null, "hello", "2.12")
                .withQualifier("checksum", "sha256:" + "ab".repeat(32))
                .withQualifier("download_url", "https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz");
        assertThat(p)
                .hasToString("pkg:generic/hello@2.12?checksum=sha256:" + "ab".repeat(32)
                        + "&download_url=https:%2F%2Fftp.gnu.org%2Fgnu%2Fhello%2Fhello-2.12.tar.gz");
        assertThat(Purl.parse(p.toString()).qualifier("download_url"))
                .isEqualTo("https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz");
    }

    @Test
    void typeIsLowercaseAndCaseInsensitiveTypesLowercaseTheirNamespaceAndName() {
        assertThat(Purl.of("APK", "Wolfi", "LibCrypto3", "3.4.0-r3")).hasToString("pkg:apk/wolfi/libcrypto3@3.4.0-r3");
        assertThat(Purl.of("github", "NGHttp2", "NGHttp2", "v1.64.0"))
                .hasToString("pkg:github/nghttp2/nghttp2@v1.64.0");
        assertThat(Purl.of("oci", null, "BusyBox", "sha256:ab")).hasToString("pkg:oci/busybox@sha256:ab");
        // maven coordinates are case-sensitive: kept as written
        assertThat(Purl.of("maven", "org.Example", "Plain", "1.4")).hasToString("pkg:maven/org.Example/Plain@1.4");
        // a namespace of several segments keeps its separators; each segment is encoded on its own
        assertThat(Purl.of("golang", "github.com/a b/c", "d", "v1")).hasToString("pkg:golang/github.com/a%20b/c/d@v1");
    }

    @Test
    void parsingFollowsTheSpecificationsRules() {
        Purl p = Purl.parse("PKG:///Deb/debian/libc6@2.36-9%2Bdeb12u4?Arch=amd64&distro=debian-12#usr/lib/");
        assertThat(p.type()).isEqualTo("deb");
        assertThat(p.namespace()).isEqualTo("debian");
        assertThat(p.name()).isEqualTo("libc6");
        assertThat(p.version()).isEqualTo("2.36-9+deb12u4");
        assertThat(p.qualifiers()).containsExactly(Map.entry("arch", "amd64"), Map.entry("distro", "debian-12"));
        assertThat(p.subpath()).isEqualTo("usr/lib");
        // a plus is a plus, not a form-encoded space
        assertThat(Purl.parse("pkg:generic/a@1+2").version()).isEqualTo("1+2");
        assertThat(Purl.parse("pkg:pypi/jinja2").version()).isNull();
    }

    @Test
    void badTextIsRejectedWithTheTextInTheMessage() {
        assertThatThrownBy(() -> Purl.parse("http://example.com/x"))
                .isInstanceOf(ContentException.class)
                .hasMessageContaining("'http://example.com/x'")
                .hasMessageContaining("pkg:");
        assertThatThrownBy(() -> Purl.parse("pkg:generic"))
                .hasMessageContaining("'pkg:generic'")
                .hasMessageContaining("TYPE/NAME");
        assertThatThrownBy(() -> Purl.parse("pkg:generic/a@1%2")).hasMessageContaining("'%' at 1 of '1%2'");
        assertThatThrownBy(() -> Purl.parse("pkg:generic/a?novalue"))
                .hasMessageContaining("qualifier 'novalue' is not KEY=VALUE");
        assertThatThrownBy(() -> Purl.of("9lives", null, "a", null)).hasMessageContaining("purl type '9lives'");
        assertThatThrownBy(() -> Purl.of("generic", null, "a", null).withQualifier("1st", "x"))
                .hasMessageContaining("qualifier key '1st'");
    }

    @Property(tries = 500)
    void parsingTheTextGivesBackThePurl(@ForAll("purls") Purl p) {
        assertThat(Purl.parse(p.toString())).isEqualTo(p);
        assertThat(Purl.parse(p.toString())).hasToString(p.toString());
    }

    @Provide
    Arbitrary<Purl> purls() {
        Arbitrary<String> text = Arbitraries.strings()
                .all()
                .excludeChars('/')
                .ofMinLength(1)
                .ofMaxLength(12)
                .filter(s -> s.codePoints().allMatch(Character::isDefined)
                        && s.chars().noneMatch(c -> Character.isSurrogate((char) c)));
        Arbitrary<String> withAscii = Arbitraries.oneOf(
                text,
                Arbitraries.strings()
                        .withChars("abcXYZ019.-_~:@?#&=+% /")
                        .ofMinLength(1)
                        .ofMaxLength(10));
        Arbitrary<String> segmentsOrNull = withAscii
                .filter(s -> !s.contains("/"))
                .list()
                .ofMaxSize(3)
                .map(l -> l.isEmpty() ? null : String.join("/", l));
        Arbitrary<String> type = Arbitraries.of("apk", "deb", "generic", "oci", "maven", "golang", "github", "x-y.z+1");
        Arbitrary<Map<String, String>> qualifiers = Arbitraries.maps(
                        Arbitraries.strings()
                                .withChars("abcxyz_.-")
                                .ofMinLength(1)
                                .ofMaxLength(6),
                        withAscii)
                .ofMaxSize(4);
        Arbitrary<String> versionOrNull = withAscii.injectNull(0.2);
        return Combinators.combine(type, segmentsOrNull, withAscii, versionOrNull, qualifiers, segmentsOrNull)
                .as((t, ns, name, version, q, sub) -> new Purl(t, ns, name, version, new TreeMap<>(q), sub));
    }
}
