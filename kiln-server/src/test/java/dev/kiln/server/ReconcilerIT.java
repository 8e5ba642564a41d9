package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.ApkReader;
import dev.kiln.server.state.Records;
import dev.kiln.server.state.StateStore;
import dev.kiln.testkit.ToolCatalog;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reconciler with the real sandbox: builds what is out of date, with the settings' epoch, and records it. */
class ReconcilerIT {
    static final String TOOL = ToolCatalog.RECIPE;
    static final String BROKEN = """
            package:
              name: broken
              version: "1.0.0"
              epoch: 0
              description: "fails on purpose"
              copyright:
                - license: MIT
            pipeline:
              - runs: |
                  echo 'this step fails' >&2
                  exit 3
            """;

    /** The report's recipes, in order: {@code failed} failed, then tool built. */
    static void assertFailedAndToolBuilt(Reconciler.Report report, String failed) {
        assertThat(report.packages())
                .extracting(Reconciler.PackageOutcome::name, Reconciler.PackageOutcome::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(failed, Reconciler.PackageStatus.FAILED),
                        org.assertj.core.groups.Tuple.tuple("tool", Reconciler.PackageStatus.BUILT));
    }

    @Test
    void buildsAtTheEnvironmentsSourceDateEpochAndRecordsEachBuild(@TempDir Path dir) throws Exception {
        Path recipes = Files.createDirectories(dir.resolve("catalog/recipes"));
        Files.writeString(recipes.resolve("tool.yaml"), TOOL);
        Files.writeString(recipes.resolve("broken.yaml"), BROKEN);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("SOURCE_DATE_EPOCH", "1700000000");
        // no --source-date-epoch: the environment decides, for every command that reconciles
        Settings settings = Settings.builder()
                .stateDir(dir.resolve(".kiln"))
                .repository(dir.resolve("packages"))
                .catalog(dir.resolve("catalog"))
                .arch("x86_64")
                .unsignedImages(true)
                .build(env);
        List<ReconcileEvent> events = new ArrayList<>();
        Reconciler.Request request = new Reconciler.Request(
                "update",
                EnumSet.of(Reconciler.Stage.PACKAGES),
                List.of(recipes.resolve("broken.yaml"), recipes.resolve("tool.yaml")),
                List.of(),
                null);

        try (StateStore state = StateStore.open(settings.database(), Clock.systemUTC())) {
            Reconciler reconciler =
                    new Reconciler(settings, state, HttpClient.newHttpClient(), Clock.systemUTC(), events::add);
            Reconciler.Report first = reconciler.reconcile(request);

            assertThat(first.failed()).isTrue();
            assertFailedAndToolBuilt(first, "broken");
            Path apk = dir.resolve("packages/x86_64/tool-1.0.0-r0.apk");
            assertThat(ApkReader.read(apk).pkgInfo().builddate()).isEqualTo(1_700_000_000L);
            assertThat(events).extracting(ReconcileEvent::kind).contains("keygen", "stage", "step", "error");

            Records.Run run = state.runs(1).get(0);
            assertThat(run.id()).isEqualTo(first.runId());
            assertThat(run.kind()).isEqualTo("update");
            assertThat(run.status()).isEqualTo(Records.RunStatus.FAILED);
            List<Records.Build> builds = state.builds(first.runId());
            assertThat(builds)
                    .extracting(Records.Build::result)
                    .containsExactly(Records.BuildResult.FAILED, Records.BuildResult.SUCCEEDED);
            assertThat(builds.get(0).logPath()).isNotNull();
            assertThat(Files.readString(Path.of(builds.get(0).logPath()))).contains("this step fails");
            assertThat(builds.get(1).outputs()).containsExactly("tool-1.0.0-r0");
            assertThat(builds.get(1).recipeSha256()).hasSize(64);

            // nothing changed for tool: the second run builds only what still fails
            Files.delete(recipes.resolve("broken.yaml"));
            Reconciler.Report second = reconciler.reconcile(new Reconciler.Request(
                    "update",
                    EnumSet.of(Reconciler.Stage.PACKAGES),
                    List.of(recipes.resolve("tool.yaml")),
                    List.of(),
                    null));
            assertThat(second.failed()).isFalse();
            assertThat(second.packages())
                    .singleElement()
                    .extracting(Reconciler.PackageOutcome::status)
                    .isEqualTo(Reconciler.PackageStatus.UP_TO_DATE);
            assertThat(state.builds(second.runId())).isEmpty();
            assertThat(state.runs(1).get(0).status()).isEqualTo(Records.RunStatus.SUCCEEDED);
        }
    }

    /**
     * One recipe that fails (the catalog's s6, whose tarball this machine cannot fetch) held back every image of the
     * run. Now it holds back only the images that install its packages; an image that cannot be assembled is named
     * with its error; the others are published.
     */
    @Test
    void aFailedRecipeHoldsBackOnlyTheImagesThatInstallItsPackages(@TempDir Path dir) throws Exception {
        Path catalog = ToolCatalog.write(dir);
        Path recipes = catalog.resolve("recipes");
        Path images = catalog.resolve("images");
        Files.writeString(recipes.resolve("lib.yaml"), ToolCatalog.RECIPE.replace("name: tool", "name: lib"));
        Files.writeString(images.resolve("lib.yaml"), ToolCatalog.IMAGE.replace("- tool", "- lib"));
        Files.writeString(images.resolve("nothing.yaml"), ToolCatalog.IMAGE.replace("- tool", "- no-such-package"));
        Settings settings = CatalogFixture.settings(dir, catalog, 1_700_000_000L)
                .unsignedImages(true)
                .build(System.getenv());
        try (StateStore state = StateStore.open(settings.database(), Clock.systemUTC());
                dev.kiln.registry.RegistryServer registry = CatalogFixture.registry(dir)) {
            List<ReconcileEvent> events = new ArrayList<>();
            Reconciler reconciler =
                    new Reconciler(settings, state, HttpClient.newHttpClient(), Clock.systemUTC(), events::add);
            Reconciler.Request up = new Reconciler.Request(
                    "up",
                    EnumSet.of(Reconciler.Stage.PACKAGES, Reconciler.Stage.IMAGES),
                    List.of(recipes.resolve("lib.yaml"), recipes.resolve("tool.yaml")),
                    List.of(images.resolve("lib.yaml"), images.resolve("nothing.yaml"), images.resolve("tool.yaml")),
                    new Reconciler.RegistryTarget(registry.address(), null));

            Reconciler.Report first = reconciler.reconcile(up);
            assertThat(first.images()).extracting(Reconciler.ImageOutcome::name).containsExactly("lib", "tool");
            assertThat(first.imagesNotPublished()).singleElement().satisfies(u -> {
                assertThat(u.name()).isEqualTo("nothing");
                assertThat(u.reason()).contains("no-such-package");
            });

            // lib's next version fails; tool's next version builds, so its image has new content to publish
            Files.writeString(
                    recipes.resolve("lib.yaml"),
                    BROKEN.replace("name: broken", "name: lib").replace("1.0.0", "1.0.1"));
            Files.writeString(recipes.resolve("tool.yaml"), ToolCatalog.RECIPE.replace("1.0.0", "1.0.1"));
            Files.delete(images.resolve("nothing.yaml"));
            events.clear();
            Reconciler.Report second = reconciler.reconcile(new Reconciler.Request(
                    "up",
                    up.stages(),
                    up.recipes(),
                    List.of(images.resolve("lib.yaml"), images.resolve("tool.yaml")),
                    up.registry()));

            assertThat(second.failed()).isTrue();
            assertFailedAndToolBuilt(second, "lib");
            assertThat(second.images()).singleElement().satisfies(i -> {
                assertThat(i.name()).isEqualTo("tool");
                assertThat(i.pushed()).isTrue();
            });
            assertThat(second.imagesNotPublished())
                    .containsExactly(new Reconciler.Unpublished("lib", "its packages' recipe failed to build: lib"));
            assertThat(events)
                    .extracting(ReconcileEvent::text)
                    .contains("image lib not published: its packages' recipe failed to build: lib");
            // the catalog has no advisories: its scan says so rather than reporting a clean 0
            assertThat(events)
                    .extracting(ReconcileEvent::text)
                    .anySatisfy(t -> assertThat(t)
                            .startsWith("  tool: 0 CVEs (")
                            .contains("no advisories to match against: neither " + catalog.resolve("advisories")));
            // the lib image published by the first run is still what its tag names
            assertThat(state.images(second.runId()))
                    .extracting(Records.ImagePublication::image)
                    .containsExactly("tool");
        }
    }

    @Test
    void anImageWhoseInputsDidNotChangeIsNotAssembledAgain(@TempDir Path dir) throws Exception {
        Path catalog = ToolCatalog.write(dir);
        Settings settings =
                CatalogFixture.settings(dir, catalog, 1_700_000_000L).build(System.getenv());
        try (StateStore state = StateStore.open(settings.database(), Clock.systemUTC());
                dev.kiln.registry.RegistryServer registry = CatalogFixture.registry(dir)) {
            Reconciler reconciler = new Reconciler(
                    settings, state, HttpClient.newHttpClient(), Clock.systemUTC(), ReconcileListener.NONE);
            Reconciler.Request up = new Reconciler.Request(
                    "up",
                    EnumSet.of(Reconciler.Stage.PACKAGES, Reconciler.Stage.IMAGES),
                    List.of(catalog.resolve("recipes/tool.yaml")),
                    List.of(catalog.resolve("images/tool.yaml")),
                    new Reconciler.RegistryTarget(registry.address(), null));
            Reconciler.Report first = reconciler.reconcile(up);
            assertThat(first.failed()).isFalse();
            assertThat(first.images())
                    .singleElement()
                    .satisfies(i -> assertThat(i.pushed()).isTrue());

            // the package file is gone but the index is as it was: assembling would fail, the shortcut does not
            Path apk = dir.resolve("packages/x86_64/tool-1.0.0-r0.apk");
            byte[] bytes = Files.readAllBytes(apk);
            Files.delete(apk);
            List<ReconcileEvent> events = new ArrayList<>();
            Reconciler.Report second = new Reconciler(
                            settings, state, HttpClient.newHttpClient(), Clock.systemUTC(), events::add)
                    .reconcile(new Reconciler.Request(
                            "up", EnumSet.of(Reconciler.Stage.IMAGES), List.of(), up.images(), up.registry()));
            assertThat(second.failed()).isFalse();
            assertThat(second.images()).singleElement().satisfies(i -> {
                assertThat(i.pushed()).isFalse();
                assertThat(i.reference()).isEqualTo(first.images().get(0).reference());
            });
            assertThat(events).extracting(ReconcileEvent::text).noneMatch(t -> t.startsWith("==> signing"));
            assertThat(state.images(second.runId())).singleElement().satisfies(p -> {
                assertThat(p.digest())
                        .isEqualTo(state.images(first.runId()).get(0).digest());
                assertThat(p.packageCount()).isEqualTo(1);
                assertThat(p.pushed()).isFalse();
            });

            // another epoch is another input: the image is assembled, and fails without its package
            Settings later =
                    CatalogFixture.settings(dir, catalog, 1_800_000_000L).build(System.getenv());
            Reconciler.Report third = new Reconciler(
                            later, state, HttpClient.newHttpClient(), Clock.systemUTC(), ReconcileListener.NONE)
                    .reconcile(new Reconciler.Request(
                            "up", EnumSet.of(Reconciler.Stage.IMAGES), List.of(), up.images(), up.registry()));
            assertThat(third.failed()).isTrue();
            assertThat(third.images()).isEmpty();
            assertThat(third.imagesNotPublished()).singleElement().satisfies(u -> {
                assertThat(u.name()).isEqualTo("tool");
                assertThat(u.reason()).contains("tool-1.0.0-r0");
            });
            Files.write(apk, bytes);
        }
    }
}
