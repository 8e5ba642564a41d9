package dev.kiln.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.registry.RegistryConfig;
import dev.kiln.registry.RegistryServer;
import dev.kiln.server.RecentEvents;
import dev.kiln.server.Reconciler;
import dev.kiln.server.Settings;
import dev.kiln.server.state.StateStore;
import dev.kiln.testkit.ToolCatalog;
import dev.kiln.testkit.Tools;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web catalog in a real Chromium (Debian's chromium and chromium-driver): a catalog that the real
 * reconciler built (packages in bubblewrap, an image pushed to Kiln's registry, signed, scanned against
 * fixture advisories and compared with a conventional image), browsed as a person would. Each page's
 * screenshot is written to target/screenshots/ for review.
 */
class CatalogBrowserIT {
    /** Writes /etc/os-release, so the image is a kiln image that Kiln's advisories describe. */
    static final String BASE_RECIPE = """
            package:
              name: tool-base
              version: "1.0.0"
              epoch: 0
              description: "the distribution's identity"
              copyright:
                - license: MIT
            pipeline:
              - runs: |
                  mkdir -p ${{targets.destdir}}/etc
                  printf 'ID=kiln\\nVERSION_ID=2026\\n' > ${{targets.destdir}}/etc/os-release
            """;

    /**
     * Built with tool in its environment (so it rebuilds when tool changes), on the host toolchain since
     * build-base is nothing this catalog provides; it carries a patch for an architecture it is not built for.
     */
    static final String PLUGIN_RECIPE = """
            package:
              name: tool-plugin
              version: "1.0.0"
              epoch: 0
              description: "extends tool"
              copyright:
                - license: MIT
            environment:
              contents:
                packages:
                  - build-base
                  - tool
            pipeline:
              # riscv64 only: the toolchain there miscompiles the plugin loader (upstream bug 42)
              - uses: patch
                if: ${{build.arch}} == 'riscv64'
                with:
                  patches: riscv-loader.patch
              - runs: |
                  mkdir -p ${{targets.destdir}}/usr/lib/tool
                  echo plugin > ${{targets.destdir}}/usr/lib/tool/plugin
            """;

    static final String IMAGE = ToolCatalog.IMAGE.replace("    - tool\n", "    - tool-base\n    - tool\n");

    /** Fixed in 1.0.1-r0 (the image has 1.0.0-r0), and a false positive: one open finding, one not_affected. */
    static final String ADVISORIES = """
            schema-version: 2.0.2
            package:
              name: tool
            advisories:
              - id: CGA-2222-3333-4444
                aliases:
                  - CVE-2026-1111
                events:
                  - timestamp: 2026-01-01T00:00:00Z
                    type: fixed
                    data:
                      fixed-version: 1.0.1-r0
              - id: CGA-2222-3333-5555
                aliases:
                  - CVE-2026-2222
                events:
                  - timestamp: 2026-01-02T00:00:00Z
                    type: false-positive-determination
                    data:
                      type: vulnerable-code-not-included-in-package
            """;

    /** The severity of CVE-2026-1111, which Kiln's advisory documents do not carry. */
    static final String OSV = """
            {"id": "CVE-2026-1111", "modified": "2026-01-01T00:00:00Z", "database_specific": {"severity": "HIGH"}}
            """;

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target/screenshots");
    static final Path DOWNLOADS = Path.of("target/downloads").toAbsolutePath();

    @TempDir
    static Path dir;

    static StateStore state;
    static CatalogServer web;
    static ChromeDriver browser;
    static final RecentEvents events = new RecentEvents(100);

    @BeforeAll
    static void reconcileAndServe() throws Exception {
        Tools.require(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromedriver are not in /usr/bin",
                "apt-get install chromium chromium-driver");
        Path catalog = ToolCatalog.write(dir);
        Files.writeString(catalog.resolve("recipes/tool-base.yaml"), BASE_RECIPE);
        Files.writeString(catalog.resolve("recipes/tool-plugin.yaml"), PLUGIN_RECIPE);
        Files.writeString(catalog.resolve("images/tool.yaml"), IMAGE);
        Files.writeString(
                Files.createDirectories(catalog.resolve("advisories")).resolve("tool.advisories.yaml"), ADVISORIES);
        Files.writeString(Files.createDirectories(catalog.resolve("osv")).resolve("CVE-2026-1111.json"), OSV);
        // the conventional image tool replaces: a distribution's userland, here 2 MiB that do not compress
        Files.writeString(catalog.resolve("images/tool.compare"), "conventional.tar.gz\n");
        conventionalImage(catalog.resolve("images/conventional.tar.gz"));
        Settings settings = dev.kiln.server.CatalogFixture.settings(dir, catalog, 1_700_000_000L)
                .build(System.getenv());
        state = StateStore.open(settings.database(), Clock.systemUTC());
        try (RegistryServer registry = new RegistryServer(RegistryConfig.builder(dir.resolve("registry"))
                        .addr("127.0.0.1:0")
                        .build())
                .start()) {
            Reconciler.Report report = new Reconciler(
                            settings, state, HttpClient.newHttpClient(), Clock.systemUTC(), events)
                    .reconcile(new Reconciler.Request(
                            "up",
                            EnumSet.of(Reconciler.Stage.PACKAGES, Reconciler.Stage.IMAGES),
                            List.of(
                                    catalog.resolve("recipes/tool-base.yaml"),
                                    catalog.resolve("recipes/tool.yaml"),
                                    catalog.resolve("recipes/tool-plugin.yaml")),
                            List.of(catalog.resolve("images/tool.yaml")),
                            new Reconciler.RegistryTarget(registry.address(), null)));
            assertThat(report.failed()).isFalse();
        }
        // an upstream answer as kiln update run records it (this catalog has no monitor to ask)
        try (StateStore checks = StateStore.open(
                settings.database(),
                Clock.fixed(java.time.Instant.parse("2026-03-01T12:00:00Z"), java.time.ZoneOffset.UTC))) {
            long run = checks.startRun("update");
            checks.recordCheck(run, "tool.yaml", "tool", "1.0.0", "1.1.0", "git", "UPDATE", null);
            checks.finishRun(run, dev.kiln.server.state.Records.RunStatus.SUCCEEDED, "1 update available");
        }
        web = new CatalogServer(state, events, settings.logDir(), Clock.systemUTC()).start("127.0.0.1", 0);

        Files.createDirectories(SCREENSHOTS);
        Files.createDirectories(DOWNLOADS);
        try (Stream<Path> old = Files.list(DOWNLOADS)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: Chromium's own sandbox cannot start as root, which is how CI runs
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900");
        options.setExperimentalOption(
                "prefs",
                Map.of("download.default_directory", DOWNLOADS.toString(), "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    /** A gzipped layer: os-release of Debian 12, a dpkg database of two packages, a shell and 2 MiB of noise. */
    static void conventionalImage(Path file) throws Exception {
        Path root = Files.createDirectories(dir.resolve("conventional"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n");
        Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.writeString(root.resolve("var/lib/dpkg/status"), """
                Package: libc6
                Status: install ok installed
                Architecture: amd64
                Version: 2.36-9

                Package: bash
                Status: install ok installed
                Architecture: amd64
                Version: 5.2.15-2

                """);
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/sh"), root.resolve("bin/sh"));
        byte[] noise = new byte[2 << 20];
        new java.util.Random(42).nextBytes(noise);
        Files.createDirectories(root.resolve("usr/share"));
        Files.write(root.resolve("usr/share/noise"), noise);
        Process tar = new ProcessBuilder("tar", "-czf", file.toString(), "-C", root.toString(), ".")
                .inheritIO()
                .start();
        assertThat(tar.waitFor()).isZero();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (web != null) {
            web.close();
        }
        if (state != null) {
            state.close();
        }
    }

    @Test
    void browseFilterOpenAnImageDownloadItsSbomAndFollowAPackageToItsBuildLog() throws Exception {
        browser.get(web.url());
        screenshot("catalog");
        List<WebElement> rows = browser.findElements(By.cssSelector("#images tbody tr"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getText()).contains("tool").contains("signed").contains("2");
        // the scan stage's counts: CVE-2026-1111 (high, from the OSV record); CVE-2026-2222 is a false positive
        assertThat(rows.get(0).findElement(By.cssSelector("td.cves")).getText()).isEqualTo("1 CVE: 1 high");

        // filter with the form (no script): a name that matches nothing, then one that does
        WebElement q = browser.findElement(By.name("q"));
        q.sendKeys("nothing-like-this");
        q.submit();
        // submit() returns before the new page has loaded on a busy machine: wait for the navigation it starts
        awaitUrlContaining("q=nothing-like-this");
        assertThat(browser.findElements(By.cssSelector("#images tbody tr"))).isEmpty();
        assertThat(browser.getPageSource()).contains("No image matches.");
        screenshot("catalog-filtered");
        browser.get(web.url() + "?q=TOO&sort=size");
        browser.findElement(By.linkText("tool")).click();

        // the image page: pull commands, packages from the SBOM, downloads
        screenshot("image");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("tool");
        assertThat(browser.findElement(By.id("pull")).getText())
                .contains("docker pull 127.0.0.1:")
                .contains("/kiln/tool@sha256:");
        assertThat(browser.findElements(By.cssSelector("#packages tbody tr")))
                .extracting(WebElement::getText)
                .anySatisfy(t -> assertThat(t).startsWith("tool 1.0.0-r0 MIT"));
        assertThat(browser.findElement(By.id("scan")).getText())
                .startsWith("1 CVE: 1 high")
                .contains("sources: distribution advisories (kiln)");
        assertThat(browser.findElements(By.cssSelector("#vulnerabilities tbody tr")))
                .extracting(WebElement::getText)
                .containsExactly(
                        "CVE-2026-1111 tool 1.0.0-r0 high fixed-available affected 1.0.1-r0",
                        "CVE-2026-2222 tool 1.0.0-r0 unknown not-affected not_affected\n"
                                + "vulnerable_code_not_present");
        // the comparison: one bar per image and size, the conventional one drawn longer
        WebElement chart = browser.findElement(By.cssSelector("svg#size-chart"));
        List<WebElement> bars = chart.findElements(By.cssSelector("g.bar"));
        assertThat(bars).hasSize(4);
        long ownCompressed = Long.parseLong(bars.get(0).getAttribute("data-bytes"));
        long otherCompressed = Long.parseLong(bars.get(1).getAttribute("data-bytes"));
        assertThat(otherCompressed).isGreaterThan(2L << 20).isGreaterThan(ownCompressed * 10);
        assertThat(Double.parseDouble(
                        bars.get(1).findElement(By.tagName("rect")).getAttribute("width")))
                .isGreaterThan(Double.parseDouble(
                        bars.get(0).findElement(By.tagName("rect")).getAttribute("width")));
        browser.executeScript("arguments[0].scrollIntoView()", browser.findElement(By.id("scan")));
        screenshot("image-scan-and-comparison");
        assertThat(browser.findElement(By.id("comparison")).getText())
                .startsWith("Against conventional.tar.gz: ")
                .contains("smaller compressed");
        browser.findElement(By.id("sbom")).click();
        Path sbom = DOWNLOADS.resolve("tool.sbom.spdx.json");
        for (int i = 0; i < 100 && !Files.exists(sbom); i++) {
            Thread.sleep(100);
        }
        JsonNode spdx = new ObjectMapper().readTree(Files.readString(sbom));
        assertThat(spdx.path("spdxVersion").asText()).isEqualTo("SPDX-2.3");
        assertThat(spdx.path("packages").findValuesAsText("name")).contains("tool");

        // follow the package to its upstream state, its build and the build's log
        browser.findElement(By.linkText("tool")).click();
        screenshot("package");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("tool");
        assertThat(browser.findElement(By.id("upstream")).getText())
                .isEqualTo("update: current 1.0.0, newest upstream 1.1.0 (git), checked 2026-03-01T12:00:00Z");
        assertThat(browser.findElement(By.cssSelector("table.builds tbody")).getText())
                .contains("succeeded")
                .contains("tool-1.0.0-r0");
        assertThat(browser.findElement(By.id("dependents")).getText())
                .isEqualTo("tool-plugin (built with it)\nimage tool");
        assertThat(browser.findElement(By.id("patches")).getText())
                .isEqualTo("No patches: built from the pristine upstream source.");
        String packagePage = browser.getCurrentUrl();
        browser.findElement(By.linkText("tool-plugin")).click();
        screenshot("package-dependent");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("tool-plugin");
        assertThat(browser.findElements(By.cssSelector("#patches tbody tr")))
                .extracting(WebElement::getText)
                .singleElement()
                .satisfies(t -> assertThat(t)
                        .startsWith("riscv-loader.patch riscv64 only: the toolchain there miscompiles the plugin"
                                + " loader (upstream bug 42)"));
        browser.get(packagePage);
        browser.findElement(By.cssSelector("a.log")).click();
        screenshot("build-log");
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("tool: pipeline[0]");

        browser.get(web.url() + "activity");
        screenshot("activity");
        assertThat(browser.findElements(By.cssSelector("section h2")))
                .extracting(WebElement::getText)
                .containsExactly("Run 2 · update · succeeded", "Run 1 · up · succeeded");
        // the progress the terminal printed, line for line
        assertThat(browser.findElement(By.id("progress")).getText())
                .contains("==> building packages")
                .contains("tool: pipeline[0]")
                .contains("==> image tool");
    }

    @Test
    void theJsonApiServesWhatThePagesShow() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        JsonNode images = json.readTree(get(http, "api/images").body());
        assertThat(images).hasSize(1);
        assertThat(images.get(0).path("latest").path("image").asText()).isEqualTo("tool");
        assertThat(images.get(0).path("signed").asBoolean()).isTrue();
        JsonNode image = json.readTree(get(http, "api/images/tool").body());
        assertThat(image.path("packages").findValuesAsText("name")).contains("tool");
        assertThat(image.path("hasSbom").asBoolean()).isTrue();
        assertThat(image.path("scan").path("counts").path("high").asInt()).isEqualTo(1);
        assertThat(image.path("scan").path("vulnerabilities").findValuesAsText("vexStatus"))
                .containsExactly("affected", "not_affected");
        assertThat(image.path("comparison").path("comparedWith").asText()).isEqualTo("conventional.tar.gz");
        assertThat(image.path("comparison").path("other").path("packages").asInt())
                .isEqualTo(2);
        assertThat(images.get(0).path("cves").path("high").asInt()).isEqualTo(1);
        JsonNode pkg = json.readTree(get(http, "api/packages/tool").body());
        assertThat(pkg.path("builds").get(0).path("result").asText()).isEqualTo("SUCCEEDED");
        assertThat(pkg.path("images").get(0).asText()).isEqualTo("tool");
        assertThat(pkg.path("dependents").findValuesAsText("name")).containsExactly("tool-plugin");
        assertThat(json.readTree(get(http, "api/packages/tool-plugin").body())
                        .path("patches")
                        .findValuesAsText("patch"))
                .containsExactly("riscv-loader.patch");
        JsonNode runs = json.readTree(get(http, "api/runs").body());
        assertThat(runs.get(1).path("run").path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(runs.get(1).path("images").get(0).path("digest").asText()).startsWith("sha256:");
        assertThat(pkg.path("upstream").path("newestVersion").asText()).isEqualTo("1.1.0");
        JsonNode progress = json.readTree(get(http, "api/events").body());
        assertThat(progress.findValuesAsText("event")).contains("stage", "step", "phase");

        assertThat(get(http, "images/no-such-image").statusCode()).isEqualTo(404);
        HttpResponse<String> bad = get(http, "?sort=colour");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("sort must be one of name, size, packages, rebuilt; got 'colour'");
    }

    @Test
    void aBuildLogIsServedOnlyFromTheLogDirectory() throws Exception {
        long id = state.runs(10).get(1).id();
        long buildId = state.recordBuild(
                id,
                "evil.yaml",
                "evil",
                null,
                java.time.Instant.EPOCH,
                0,
                dev.kiln.server.state.Records.BuildResult.FAILED,
                List.of(),
                "/etc/passwd",
                "recorded with a foreign log path");
        assertThat(get(HttpClient.newHttpClient(), "builds/" + buildId + "/log").statusCode())
                .isEqualTo(404);
    }

    private static HttpResponse<String> get(HttpClient http, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(web.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits (up to 30 s, polling) for the browser to reach a page whose address contains {@code part}. */
    private static void awaitUrlContaining(String part) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (!browser.getCurrentUrl().contains(part) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(browser.getCurrentUrl()).contains(part);
    }

    private static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
