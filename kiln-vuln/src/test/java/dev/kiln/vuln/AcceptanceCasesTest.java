package dev.kiln.vuln;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.vuln.feed.OsvRecord;
import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.inventory.Rootfs;
import dev.kiln.vuln.match.DistroFeed;
import dev.kiln.vuln.match.Matcher;
import dev.kiln.vuln.match.OsvIndex;
import dev.kiln.vuln.match.ScanReport;
import dev.kiln.vuln.match.Suppressed;
import dev.kiln.vuln.vex.VexDocument;
import dev.kiln.vuln.vex.VexStatement;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The eight scanner acceptance cases (vulnerabilities.md §8) and Kiln's three own cases, each with its answer. */
class AcceptanceCasesTest {
    static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    private AdvisoryEditor editor() {
        return new AdvisoryEditor(tmp.resolve("advisories"), CLOCK, new Random(42));
    }

    /** Files an advisory for {@code aliases}: detection, then fixed in {@code outcome}, a NAK ("0"), or left open. */
    private void advise(String pkg, String outcome, String... aliases) {
        AdvisoryEditor ed = editor();
        Advisory a = ed.create(pkg, List.of(aliases), AdvisoryEvent.manualDetection(T0));
        AdvisoryEvent next = switch (outcome) {
            case "0" ->
                AdvisoryEvent.falsePositive(
                        T0.plusSeconds(3600), FalsePositiveType.VULNERABLE_CODE_NOT_INCLUDED_IN_PACKAGE, "not shipped");
            case "pending" -> AdvisoryEvent.note(T0.plusSeconds(3600), EventType.PENDING_UPSTREAM_FIX, "waiting");
            default -> AdvisoryEvent.fixed(T0.plusSeconds(3600), outcome);
        };
        ed.update(pkg, a.id(), next);
    }

    private ScanReport scan(Path rootfs, List<OsvRecord> osv, List<VexDocument> vex, List<String> imagePurls) {
        AdvisoryStore store = tmp.resolve("advisories").toFile().exists()
                ? AdvisoryStore.load(tmp.resolve("advisories"), CLOCK)
                : AdvisoryStore.of(List.of());
        Inventory inv = Inventories.of(Rootfs.ofDirectory(rootfs));
        return new Matcher(DistroFeed.of(store), new OsvIndex(osv), vex)
                .scan("fixture", inv, imagePurls, CLOCK.instant());
    }

    private static OsvRecord osv(String id, String ecosystem, String name, String fixed, String... aliases) {
        return new OsvRecord(
                id,
                T0,
                T0,
                null,
                List.of(aliases),
                List.of(),
                null,
                null,
                List.of(),
                List.of(new OsvRecord.Affected(
                        ecosystem,
                        name,
                        null,
                        List.of(new OsvRecord.Range(
                                "ECOSYSTEM",
                                null,
                                List.of(
                                        new OsvRecord.Event(OsvRecord.Event.Kind.INTRODUCED, "0"),
                                        new OsvRecord.Event(OsvRecord.Event.Kind.FIXED, fixed)))),
                        List.of(),
                        Map.of(),
                        Map.of())),
                Map.of("severity", "HIGH"));
    }

    @Test
    void noSoftware() throws Exception {
        Path rootfs = FixtureImage.base(tmp).finish(false);
        advise("kiln-baselayout", "20250101-r0", "CVE-2024-0001");
        advise("ca-certificates", "0", "CVE-2024-0002");
        ScanReport r = scan(rootfs, List.of(), List.of(), List.of());
        assertThat(r.packageCount()).isEqualTo(2);
        assertThat(r.findings()).isEmpty();
        assertThat(r.suppressed()).extracting(Suppressed::reason).containsExactly(Suppressed.Reason.NAK);
    }

    @Test
    void fixedVulnerabilities() throws Exception {
        Path rootfs = FixtureImage.base(tmp)
                .pkg("busybox", "1.37.0-r5", null, FixtureImage.files("bin/busybox", "#!busybox"))
                .pkg("glibc", "2.42-r3", null, FixtureImage.files("lib/libc.so.6", "libc"))
                .finish(false);
        advise("busybox", "1.36.1-r0", "CVE-2023-42363");
        advise("busybox", "1.37.0-r5", "CVE-2023-42364");
        advise("glibc", "2.38-r5", "CVE-2023-4911", "GHSA-m77w-6vjw-wh2f");
        advise("glibc", "0", "CVE-2010-4756");
        assertThat(scan(rootfs, List.of(), List.of(), List.of()).findings()).isEmpty();
    }

    @Test
    void fixedLanguagePackageVulnerabilities() throws Exception {
        byte[] ko = FixtureImage.goBinary(
                "go1.21.5", "github.com/google/ko", List.<String[]>of(new String[] {"golang.org/x/net", "v0.20.0"}));
        Path rootfs = FixtureImage.base(tmp)
                .pkg("ko", "0.17.1-r2", null, FixtureImage.files("usr/bin/ko", ko))
                .finish(false);
        advise("ko", "0.17.1-r1", "CVE-2023-45288", "GHSA-4v7x-pqxf-cx7m");
        advise("ko", "0.17.1-r0", "CVE-2024-24783");
        List<OsvRecord> feed = List.of(
                osv("GHSA-4v7x-pqxf-cx7m", "Go", "golang.org/x/net", "0.23.0", "CVE-2023-45288"),
                osv("GO-2024-2598", "Go", "stdlib", "1.21.8", "CVE-2024-24783"));
        ScanReport r = scan(rootfs, feed, List.of(), List.of());
        assertThat(r.findings()).isEmpty();
        assertThat(r.suppressed())
                .extracting(Suppressed::reason)
                .containsExactly(Suppressed.Reason.OWNERSHIP, Suppressed.Reason.OWNERSHIP);
        // the same binary as a dark file is matched normally: ownership, not a blind spot, hid the matches
        FixtureImage.base(tmp.resolve("dark")).darkFile("usr/bin/ko", ko, true).finish(false);
        assertThat(scan(tmp.resolve("dark/rootfs"), feed, List.of(), List.of()).ids())
                .containsExactly("CVE-2023-45288", "CVE-2024-24783");
    }

    @Test
    void falsePositiveLanguagePackageVulnerabilities() throws Exception {
        byte[] guava =
                FixtureImage.jar(List.<String[]>of(new String[] {"com.google.guava", "guava", "31.0-jre"}), Map.of());
        byte[] app = FixtureImage.jar(
                List.<String[]>of(new String[] {"com.fasterxml.jackson.core", "jackson-databind", "2.13.0"}),
                Map.of("BOOT-INF/lib/guava-31.0-jre.jar", guava));
        Path rootfs = FixtureImage.base(tmp)
                .pkg("javaapp", "1.0.0-r0", null, FixtureImage.files("usr/share/javaapp/app.jar", app))
                .finish(false);
        advise("javaapp", "0", "CVE-2023-2976", "GHSA-7g45-4rm6-3mm3");
        advise("javaapp", "0", "CVE-2022-42003", "GHSA-jjjh-jjxp-wpff");
        List<OsvRecord> feed = List.of(
                osv("GHSA-7g45-4rm6-3mm3", "Maven", "com.google.guava:guava", "32.0.0-android", "CVE-2023-2976"),
                osv(
                        "GHSA-jjjh-jjxp-wpff",
                        "Maven",
                        "com.fasterxml.jackson.core:jackson-databind",
                        "2.13.4.1",
                        "CVE-2022-42003"));
        ScanReport r = scan(rootfs, feed, List.of(), List.of());
        assertThat(r.findings()).isEmpty();
        assertThat(r.suppressed())
                .filteredOn(s -> s.reason() == Suppressed.Reason.OWNERSHIP)
                .hasSize(2)
                .allSatisfy(s -> assertThat(s.detail()).contains("vulnerable_code_not_present"));
    }

    @Test
    void falsePositivesFromLockFiles() throws Exception {
        Path rootfs = FixtureImage.base(tmp)
                .pkg(
                        "lockapp",
                        "1.0-r0",
                        null,
                        FixtureImage.files(
                                "usr/share/lockapp/package-lock.json",
                                "{\"lockfileVersion\":3,\"packages\":{\"node_modules/lodash\":{\"version\":\"4.17.15\"}}}",
                                "usr/share/lockapp/Gemfile.lock",
                                "GEM\n  specs:\n    webrick (1.8.1)\n"))
                .finish(false);
        List<OsvRecord> feed = List.of(
                osv("GHSA-35jh-r3h4-6jhm", "npm", "lodash", "4.17.21", "CVE-2021-23337"),
                osv("GHSA-6f62-3596-g6w7", "RubyGems", "webrick", "1.8.2", "CVE-2024-47220"));
        assertThat(scan(rootfs, feed, List.of(), List.of()).findings()).isEmpty();
        // an installed copy of the same library is found and matched
        FixtureImage.base(tmp.resolve("installed"))
                .darkFile(
                        "app/node_modules/lodash/package.json",
                        "{\"name\":\"lodash\",\"version\":\"4.17.15\"}".getBytes(UTF_8),
                        false)
                .finish(false);
        assertThat(scan(tmp.resolve("installed/rootfs"), feed, List.of(), List.of())
                        .ids())
                .containsExactly("CVE-2021-23337");
    }

    @Test
    void subpackageFixedVulnerabilities() throws Exception {
        Path rootfs = FixtureImage.base(tmp)
                .pkg("libcrypto3", "3.5.4-r0", "openssl", FixtureImage.files("usr/lib/libcrypto.so.3", "crypto"))
                .finish(false);
        advise("openssl", "3.1.1-r3", "CVE-2023-3446");
        advise("openssl", "3.1.1-r4", "CVE-2023-3817");
        advise("openssl", "3.5.4-r0", "CVE-2025-9230");
        assertThat(scan(rootfs, List.of(), List.of(), List.of()).findings()).isEmpty();
    }

    @Test
    void unfixedVulnerabilities() throws Exception {
        Path rootfs = FixtureImage.base(tmp)
                .pkg("glibc", "2.38-r0", null, FixtureImage.files("lib/libc.so.6", "libc"))
                .finish(false);
        advise("glibc", "2.37-r0", "CVE-2023-0001");
        advise("glibc", "2.38-r5", "CVE-2023-4911", "GHSA-m77w-6vjw-wh2f");
        advise("glibc", "2.39-r0", "CVE-2023-6246");
        advise("glibc", "2.39-r0", "CVE-2023-6779");
        advise("glibc", "0", "CVE-2010-4756");
        advise("glibc", "pending", "CVE-2025-0395");
        ScanReport r = scan(rootfs, List.of(), List.of(), List.of());
        assertThat(r.ids()).containsExactly("CVE-2023-4911", "CVE-2023-6246", "CVE-2023-6779", "CVE-2025-0395");
        assertThat(r.findings())
                .filteredOn(f -> f.id().equals("CVE-2025-0395"))
                .singleElement()
                .satisfies(f -> assertThat(f.state()).isEqualTo("pending-upstream-fix"));
        assertThat(r.findings())
                .filteredOn(f -> f.id().equals("CVE-2023-4911"))
                .singleElement()
                .satisfies(f -> assertThat(f.fixedVersion()).isEqualTo("2.38-r5"));
    }

    /** The worked example of the reference, through an image whose database is only under usr/ (Kiln's own case). */
    @Test
    void subpackageUnfixedVulnerabilitiesWithDatabaseUnderUsr() throws Exception {
        Path rootfs = FixtureImage.base(tmp)
                .pkg("libcrypto3", "3.1.1-r2", "openssl", FixtureImage.files("usr/lib/libcrypto.so.3", "crypto"))
                .finish(true);
        advise("openssl", "0", "CVE-2023-0466");
        advise("openssl", "0", "CVE-2023-4807");
        advise("openssl", "3.0.8-r0", "CVE-2022-4203");
        advise("openssl", "3.0.8-r0", "CVE-2022-4304");
        advise("openssl", "3.1.1-r2", "CVE-2023-2975");
        advise("openssl", "3.1.1-r3", "CVE-2023-3446");
        advise("openssl", "3.1.1-r4", "CVE-2023-3817");
        ScanReport r = scan(rootfs, List.of(), List.of(), List.of());
        assertThat(r.ids()).containsExactly("CVE-2023-3446", "CVE-2023-3817");
        // the same image as a layer tar gives the same answer
        Inventory inv =
                Inventories.of(Rootfs.ofLayers(List.of(() -> new ByteArrayInputStream(FixtureImage.layer(rootfs)))));
        assertThat(inv.packages())
                .extracting(p -> p.name())
                .containsExactly("kiln-baselayout", "ca-certificates-bundle", "libcrypto3");
        assertThat(inv.packages().get(2).purl())
                .isEqualTo("pkg:apk/kiln/libcrypto3@3.1.1-r2?arch=x86_64&distro=kiln-20261201&upstream=openssl");
    }

    @Test
    void idKnownOnlyByGhsa() throws Exception {
        Path rootfs = FixtureImage.base(tmp)
                .pkg(
                        "py3-jinja2",
                        "3.1.2-r0",
                        "jinja2",
                        FixtureImage.files("usr/lib/python3.12/site-packages/jinja2/__init__.py", ""))
                .finish(false);
        advise("jinja2", "3.1.3-r0", "GHSA-h5c8-rqwp-cp95");
        assertThat(scan(rootfs, List.of(), List.of(), List.of()).ids()).containsExactly("GHSA-h5c8-rqwp-cp95");
    }

    @Test
    void vexSuppressesOneFindingByImagePurl() throws Exception {
        Path rootfs = FixtureImage.base(tmp)
                .pkg("glibc", "2.38-r0", null, FixtureImage.files("lib/libc.so.6", "libc"))
                .finish(false);
        advise("glibc", "2.38-r5", "CVE-2023-4911");
        advise("glibc", "2.39-r0", "CVE-2023-6246");
        String image =
                "pkg:oci/glibc-test@sha256:" + "ab".repeat(32) + "?repository_url=registry.example/kiln/glibc-test";
        String pkgPurl = "pkg:apk/kiln/glibc@2.38-r0?arch=x86_64&distro=kiln-20261201";
        VexDocument vex = new VexDocument(
                "https://example/vex-1",
                "kiln",
                T0,
                1,
                List.of(new VexStatement(
                        "CVE-2023-4911",
                        List.of(),
                        List.of(new VexStatement.Product(
                                "pkg:oci/glibc-test@sha256:" + "ab".repeat(32), List.of(pkgPurl))),
                        "not_affected",
                        "vulnerable_code_not_in_execute_path",
                        null,
                        null,
                        T0)));
        ScanReport r = scan(rootfs, List.of(), List.of(vex), List.of(image));
        assertThat(r.ids()).containsExactly("CVE-2023-6246");
        assertThat(r.suppressed()).singleElement().satisfies(s -> {
            assertThat(s.reason()).isEqualTo(Suppressed.Reason.VEX);
            assertThat(s.detail()).contains("vulnerable_code_not_in_execute_path");
        });
        // without the image identity the statement does not apply
        assertThat(scan(rootfs, List.of(), List.of(vex), List.of()).ids())
                .containsExactly("CVE-2023-4911", "CVE-2023-6246");
    }
}
