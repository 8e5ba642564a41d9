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
 * reconciler built (a package in bubblewrap, an image pushed to Kiln's registry and signed), browsed
 * as a person would. Each page's screenshot is written to target/screenshots/ for review.
 */
class CatalogBrowserIT {
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
        Settings settings = Settings.builder()
                .stateDir(dir.resolve(".kiln"))
                .repository(dir.resolve("packages"))
                .catalog(catalog)
                .arch("x86_64")
                .sourceDateEpoch(1_700_000_000L)
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
                            List.of(catalog.resolve("recipes/tool.yaml")),
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
        assertThat(rows.get(0).getText()).contains("tool").contains("signed").contains("1");

        // filter with the form (no script): a name that matches nothing, then one that does
        WebElement q = browser.findElement(By.name("q"));
        q.sendKeys("nothing-like-this");
        q.submit();
        assertThat(browser.getCurrentUrl()).contains("q=nothing-like-this");
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
        JsonNode pkg = json.readTree(get(http, "api/packages/tool").body());
        assertThat(pkg.path("builds").get(0).path("result").asText()).isEqualTo("SUCCEEDED");
        assertThat(pkg.path("images").get(0).asText()).isEqualTo("tool");
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

    private static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
